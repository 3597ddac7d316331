export { loadConfig, type Config, type DatabaseConfig, type LoadedConfig } from './config.ts';
export { ConfigError } from './parse.ts';
export { ENV_VARS } from './env.schema.ts';
export type { EmailConfig, NotificationsConfig } from './email-config.ts';
export type { MonitoringConfig } from './monitoring-config.ts';
export type { AlertsConfig } from './alerts-config.ts';
export type { AccountConfig, OAuthProviderConfig } from './account-config.ts';
export type { ArtifactsConfig } from './artifacts-config.ts';

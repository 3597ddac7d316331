export {
  createOutboundClient,
  type OutboundClient,
  type OutboundRequest,
  type OutboundResponse,
  type OutboundSettings,
  type OutboundTimings,
  type RedirectHop,
} from './outbound-client.ts';
export {
  createGuardedConnector,
  type ConnectionTimings,
  type ConnectorOptions,
} from './guarded-connector.ts';
export {
  OutboundError,
  TargetRefusedError,
  TargetUnresolvedError,
  errorKind,
  toOutboundError,
  type OutboundErrorKind,
} from './outbound-errors.ts';
export {
  assertTargetAllowed,
  checkSubmittedTarget,
  checkUrlTarget,
  parseTargetUrl,
  SUBMIT_RESOLVE_TIMEOUT_MS,
} from './target-check.ts';
export { addressPolicy, blockedAddressReason, type AddressPolicy } from './address-policy.ts';
export { embeddedIpv4, type EmbeddedIpv4 } from './embedded-ipv4.ts';

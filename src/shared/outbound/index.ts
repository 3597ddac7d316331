export { createOutboundClient, type OutboundClient, type OutboundRequest, type OutboundResponse, type OutboundSettings, type OutboundTimings, type RedirectHop } from './outbound-client.ts';
export { createGuardedConnector, type ConnectionTimings, type ConnectorOptions } from './guarded-connector.ts';
export { OutboundError, TargetRefusedError, errorKind, toOutboundError, type OutboundErrorKind } from './outbound-errors.ts';
export { assertTargetAllowed, checkUrlTarget, parseTargetUrl } from './target-check.ts';
export { blockedAddressReason, type AddressPolicy } from './address-policy.ts';

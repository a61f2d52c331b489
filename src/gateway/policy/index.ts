/** The access-policy library: gateway keys, auth modes, browser guards, limits and quotas. */
export { createAccessPolicy, modelNotAllowed, type AccessPolicy, type AccessPolicyOptions, type Admission, type AdmitRequest, type SettleUsage } from './access-policy';
export { assertAuthModeAllowed, isLoopbackHost, keyRequired } from './auth-mode';
export { checkContentType, checkHost, checkOrigin, FORBIDDEN_ORIGIN, isJsonContentType } from './browser-guard';
export type { PrincipalDescription } from './describe';
export { extractKey, type HeaderBag } from './extract-key';
export { KEY_PREFIX, KeyStore, type CreateKeyOptions, type KeyPatch } from './key-store';
export { compileModelGlobs, modelAllowed, targetFilter } from './model-glob';
export type * from './types';

// The ~/.aws/config model and the AWS CLI's SSO cache file names.
export * from "./types";
export { configFilePath, loadAwsConfig, findProfile, groupFor, defaultProfileName, profileNotFound } from "./load";
export { parseAwsConfig } from "./parse";
export {
  ssoCacheDir,
  tokenCacheFile,
  tokenCacheKeyFor,
  registrationCacheFile,
  registrationCacheKey,
  registrationKeyFor,
  pythonJsonDumps,
  sha1Hex,
  type RegistrationKeyInput,
} from "./cache-keys";

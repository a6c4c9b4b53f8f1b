// The API reads the one environment module every process shares (`@delivery/events` config/environment.ts);
// these names are the API's since before it was shared.
export {
  ConfigError,
  DEV_AUTH_SECRET,
  Environment as ApiConfig,
  environmentWarnings as configWarnings,
  loadEnvironment as loadConfig,
} from '@delivery/events';

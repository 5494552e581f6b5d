/**
 * The preload entry: `node --import envseal/config app.js` (ES modules) or `node -r envseal/config app.js`
 * (CommonJS) fills process.env from .env.encrypted before the app's first line runs. Options come from
 * the environment, as with dotenv/config:
 *
 *   ENVSEAL_CONFIG_PATH      the sealed file (default .env.encrypted, or .env.<env>.encrypted)
 *   ENVSEAL_CONFIG_ENV       environment name (production → .env.production.encrypted)
 *   ENVSEAL_CONFIG_OVERRIDE  true (or 1, yes, on): sealed values replace variables already set
 *   ENVSEAL_CONFIG_QUIET     true (or 1, yes, on): say nothing if loading fails
 *
 * A failure never stops the app (it may get its variables elsewhere); it is reported on stderr.
 */
import { type ConfigOptions, config } from './index.js';

const { ENVSEAL_CONFIG_PATH: file, ENVSEAL_CONFIG_ENV: env, ENVSEAL_CONFIG_OVERRIDE: override, ENVSEAL_CONFIG_QUIET: quiet } = process.env;
/** Spelled as shells and CI systems spell a yes; anything else is no. */
const yes = (value: string | undefined): boolean => /^(?:true|1|yes|on)$/i.test(value?.trim() ?? '');
const options: ConfigOptions = { override: yes(override), quiet: yes(quiet) };
if (file) options.path = file;
if (env) options.env = env;
config(options);

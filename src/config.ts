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
import { preloadOptions } from './env-vars.js';
import { config } from './index.js';

config(preloadOptions(process.env));

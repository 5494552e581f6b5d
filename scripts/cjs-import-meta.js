// Injected into the CommonJS CLI bundle (see the build script): import.meta.url for code written as ESM.
export const __envsealImportMetaUrl = require('node:url').pathToFileURL(__filename).href;

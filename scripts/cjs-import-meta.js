// Injected into the CommonJS bundles (see the build script): import.meta.url for code written as ESM,
// worked out when it is read (few runs read it), not when the bundle loads.
export const __envsealImportMeta = {
  get url() {
    return require('node:url').pathToFileURL(__filename).href;
  },
};

// import() of an npm package (matrix-js-sdk) by the command line. bin/mxlint.cjs runs the CLI
// bundle through vm.Script (for its code cache), where import() needs an experimental flag; the
// build leaves this module out of the bundle as dist/esm-import.cjs, which Node loads itself.
export const esmImport = (specifier: string): Promise<unknown> => import(specifier);

// The resolve hook of register.mjs: Node's own error for a package that is not installed.
let hidden = [];

export function initialize(data) {
  hidden = data.hidden;
}

export function resolve(specifier, context, next) {
  if (hidden.some((name) => specifier === name || specifier.startsWith(`${name}/`))) {
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL ?? 'the command line'}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}

// Module hooks for reading an Amplify Gen 2 project: '@aws-amplify/backend' becomes Cognate's shim,
// and TypeScript's import styles resolve as the bundler resolution of amplify/tsconfig.json does
// (extensionless specifiers and `.js` specifiers naming `.ts` files).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let shim;

export function initialize(data) {
  shim = data.shim;
}

const isFile = (url) => {
  try {
    return statSync(fileURLToPath(url)).isFile();
  } catch {
    return false;
  }
};

export async function resolve(specifier, context, next) {
  if (specifier === '@aws-amplify/backend') {
    return { url: shim, shortCircuit: true };
  }
  const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
  if (relative && context.parentURL?.startsWith('file:')) {
    const base = new URL(specifier, context.parentURL);
    if (!isFile(base)) {
      const candidates = [];
      if (/\.[cm]?js$/.test(base.pathname)) {
        candidates.push(base.href.replace(/\.([cm]?)js$/, '.$1ts'));
      }
      candidates.push(`${base.href}.ts`, `${base.href}.mts`, `${base.href}.js`, `${base.href}/index.ts`,
        `${base.href}/index.js`);
      for (const candidate of candidates) {
        if (existsSync(fileURLToPath(candidate))) {
          return { url: candidate, shortCircuit: true };
        }
      }
    }
  }
  return next(specifier, context);
}

// Cognate's stand-in for '@aws-amplify/backend' while it reads an Amplify Gen 2 project: the
// define* functions record what they are given instead of building CDK constructs. Whatever only
// AWS can run (data, storage, functions, CDK overrides) is recorded so the evaluator can report it.
const state = (globalThis.__cognateGen2 ??= {
  auth: [], backend: [], others: [], secrets: [], overrides: [],
});

// The file that called a define* function, from the stack (for messages that name it).
function caller() {
  const lines = (new Error().stack ?? '').split('\n').slice(3);
  for (const line of lines) {
    const m = /(file:\/\/[^\s)]+?):\d+:\d+/.exec(line);
    if (m && m[1] !== import.meta.url) return m[1];
  }
  return '';
}

export function defineAuth(props) {
  const resource = { __cognate: 'auth', props, file: caller() };
  state.auth.push(resource);
  return resource;
}

function recorded(kind) {
  return (props) => {
    const resource = { __cognate: kind, props, file: caller() };
    state.others.push(resource);
    return resource;
  };
}

export const defineData = recorded('defineData');
export const defineStorage = recorded('defineStorage');
export const defineFunction = recorded('defineFunction');

export function secret(name) {
  const value = { __cognateSecret: String(name) };
  state.secrets.push(value);
  return value;
}

// A chainable stand-in for builders such as `a.schema(...)`, `a.model(...).authorization(...)`.
function chain(path) {
  const fn = () => {};
  return new Proxy(fn, {
    get: (_, key) => (key === Symbol.toPrimitive ? () => path : chain(`${path}.${String(key)}`)),
    apply: () => chain(`${path}()`),
  });
}
export const a = chain('a');

// defineBackend's result: reading it is harmless; writing through it, or calling its methods,
// changes what AWS would deploy, which Cognate does not run.
function overrides(path) {
  const fn = () => {};
  return new Proxy(fn, {
    get: (_, key) => (typeof key === 'symbol' ? undefined : overrides(`${path}.${key}`)),
    set: (_, key) => {
      state.overrides.push(`${path}.${String(key)} = …`);
      return true;
    },
    apply: () => {
      state.overrides.push(`${path}(…)`);
      return overrides(`${path}()`);
    },
  });
}

export function defineBackend(resources) {
  state.backend.push({ resources, file: caller() });
  return overrides('backend');
}

// Names a project may import as values under type stripping (`import { ClientSchema } …`).
export const ClientSchema = undefined;
export const Schema = undefined;

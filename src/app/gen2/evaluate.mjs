// Reads an Amplify Gen 2 project the way `ampx sandbox` loads it, without AWS: runs
// amplify/backend.ts with '@aws-amplify/backend' replaced by Cognate's shim (shim.mjs), then prints
// one JSON object on stdout:
//   {"auth": {…defineAuth's props, templates called with Cognito's placeholders…},
//    "file": "amplify/auth/resource.ts", "warnings": […], "errors": […]}
// Cognate (app/gen2_project.h) validates "auth" exactly as it validates amplify/auth.json.
//
// Usage: node evaluate.mjs PROJECT_DIR BACKEND_FILE
// TypeScript: Node's own type stripping (22.18+, 23.6+) when present, else the project's tsx.
import { writeSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [projectDir, backendFile] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const out = { auth: null, file: '', warnings: [], errors: [] };
const relative = (url) => (url ? path.relative(projectDir, url.startsWith('file:') ? fileURLToPath(url) : url) : '');

function finish() {
  // On a line of its own (the project's code may have printed a partial line before), written
  // synchronously so exit() cannot cut it.
  writeSync(1, `\n${JSON.stringify(out)}\n`);
  process.exit(0);
}

// The project's own TypeScript loader when it has one (tsx: every Gen 2 project gets it with the
// Amplify CLI, and it reads all of TypeScript, as `ampx` does); else Node's type stripping.
async function useTypeScript() {
  try {
    const require = createRequire(path.join(projectDir, 'package.json'));
    const api = require.resolve('tsx/esm/api');
    const { register: registerTsx } = await import(pathToFileURL(api).href);
    registerTsx();
    return;
  } catch {
    // no tsx in the project
  }
  if (!backendFile.endsWith('.ts') || process.features?.typescript) {
    return;
  }
  out.errors.push(`Node.js ${process.version} cannot run TypeScript by itself (22.18 or later can), and ` +
    'this project has no tsx in node_modules: install Node.js 22.18+ or run `npm install -D tsx`.');
  finish();
}

// The template functions Gen 2 calls at synth, called the same way: the text they return carries
// Cognito's placeholders.
// A template function's result: text, or an error naming the key.
function text(value, where) {
  if (typeof value !== 'string') {
    out.errors.push(`${out.file}: ${where}: the function returned ${value === undefined ? 'nothing' : `a ${typeof value}`}, not text`);
    return null;
  }
  return value;
}

function evaluateTemplates(props) {
  const email = props?.loginWith?.email;
  if (email && typeof email === 'object') {
    if (typeof email.verificationEmailBody === 'function') {
      email.verificationEmailBody = text(email.verificationEmailStyle === 'LINK'
        ? email.verificationEmailBody((link) => `{##${link ?? 'Verify Email'}##}`)
        : email.verificationEmailBody(() => '{####}'), 'loginWith.email.verificationEmailBody');
    }
    const invitation = email.userInvitation;
    if (invitation && typeof invitation.emailBody === 'function') {
      invitation.emailBody = text(invitation.emailBody(() => '{username}', () => '{####}'),
        'loginWith.email.userInvitation.emailBody');
    }
  }
  const phone = props?.loginWith?.phone;
  if (phone && typeof phone === 'object' && typeof phone.verificationMessage === 'function') {
    phone.verificationMessage = text(phone.verificationMessage(() => '{####}'), 'loginWith.phone.verificationMessage');
  }
  const mfa = props?.multifactor;
  if (mfa?.sms && typeof mfa.sms === 'object' && typeof mfa.sms.smsMessage === 'function') {
    mfa.sms.smsMessage = text(mfa.sms.smsMessage(() => '{####}'), 'multifactor.sms.smsMessage');
  }
}

// Plain JSON of `value`, with what cannot be (functions, secrets, resources) reported at its path.
function plain(value, where, file) {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    return value;
  }
  if (typeof value === 'function') {
    out.errors.push(`${file}: ${where}: a function here is not run by Cognate`);
    return null;
  }
  if (value?.__cognateSecret) {
    out.errors.push(`${file}: ${where}: secret('${value.__cognateSecret}') is not supported by Cognate`);
    return null;
  }
  if (value?.__cognate) {
    out.errors.push(`${file}: ${where}: ${value.__cognate}(…) is not run by Cognate`);
    return null;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => plain(v, `${where}[${i}]`, file));
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, plain(v, where ? `${where}.${k}` : k, file)]));
  }
  out.errors.push(`${file}: ${where}: a ${typeof value} is not a configuration value`);
  return null;
}

await useTypeScript();
register(pathToFileURL(path.join(here, 'hooks.mjs')), import.meta.url, {
  data: { shim: pathToFileURL(path.join(here, 'shim.mjs')).href },
});
const state = (globalThis.__cognateGen2 ??= {
  auth: [], backend: [], others: [], secrets: [], overrides: [],
});
try {
  await import(pathToFileURL(backendFile).href);
} catch (e) {
  const where = (e?.stack ?? '').split('\n').find((l) => l.includes(projectDir))?.trim() ?? '';
  let message = `${relative(backendFile)}: ${e?.message ?? e}${where ? ` (${where.replace(`file://${projectDir}/`, '')})` : ''}`;
  if (e?.code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') {
    message += '; Node.js strips types but does not transform this syntax: run `npm install` in the project ' +
      '(its tsx reads all of TypeScript, as ampx does) or write it without it';
  }
  out.errors.push(message);
  finish();
}
const backendName = relative(backendFile);
if (state.backend.length === 0) {
  out.errors.push(`${backendName}: defineBackend({ auth }) is never called`);
}
if (state.auth.length === 0) {
  out.errors.push(`${backendName}: no defineAuth(…) in the project: Cognate needs the auth resource`);
  finish();
}
if (state.auth.length > 1) {
  out.errors.push(`MultipleSingletonResourcesError: defineAuth is called ${state.auth.length} times; a backend has one auth resource`);
  finish();
}
const [auth] = state.auth;
out.file = relative(auth.file) || backendName;
const given = state.backend.some(({ resources }) => resources && Object.values(resources).includes(auth));
if (state.backend.length > 0 && !given) {
  out.errors.push(`${backendName}: the defineAuth resource of ${out.file} is not passed to defineBackend`);
}
for (const other of state.others) {
  const name = Object.entries(state.backend[0]?.resources ?? {}).find(([, r]) => r === other)?.[0];
  out.warnings.push(`${relative(other.file) || backendName}: ${other.__cognate}(…)${name ? ` (${name})` : ''} is not run by Cognate`);
}
for (const change of state.overrides) {
  const message = `${backendName}: ${change}: CDK changes are not run by Cognate`;
  if (change.startsWith('backend.auth')) {
    out.errors.push(`${message}; the user pool would differ from what AWS deploys`);
  } else {
    out.warnings.push(message);
  }
}

const props = { ...auth.props };
for (const [key, what] of [['triggers', 'Lambda triggers'], ['access', 'function access grants']]) {
  if (props[key] !== undefined) {
    const message = `${out.file}: ${key}: ${what} are not run by Cognate`;
    if (key === 'access') {
      out.warnings.push(message);  // no functions run here, so there is nothing to grant
    } else {
      out.errors.push(`${message}; the pool would behave differently`);
    }
    delete props[key];
  }
}
if (props.senders?.email?.handler !== undefined) {
  out.errors.push(`${out.file}: senders.email.handler: a custom email sender (a Lambda function) is not run by Cognate`);
  delete props.senders.email.handler;
}
if (props.name !== undefined) {
  delete props.name;  // the CloudFormation resource name: nothing to do here
}
try {
  evaluateTemplates(props);
} catch (e) {
  out.errors.push(`${out.file}: a template function threw: ${e?.message ?? e}`);
}
out.auth = plain(props, '', out.file);
finish();

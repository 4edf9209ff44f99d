// Run-time configuration: one `vite build` works for any Cognate pool.
//
// - amplify_outputs.json is fetched from the app's own origin (next to index.html). Cognate
//   writes it (schema 1.5); it has no endpoint key, because Amplify's parser drops unknown keys.
// - The Cognate endpoint comes from, in this order: the `?endpoint=` query parameter, the
//   `endpoint` key of cognate.json next to index.html, else http://127.0.0.1:9339 (the default
//   of `make sandbox`).
// The endpoint is then injected after parsing, as Amplify v6 expects (`userPoolEndpoint`).
import { Amplify } from 'aws-amplify';
import { parseAmplifyConfig } from 'aws-amplify/utils';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9339';

async function fetchJson(name) {
  const url = new URL(name, document.baseURI);
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) {
    throw new Error(`GET ${url.pathname} answered ${res.status}`);
  }
  return res.json();
}

async function resolveEndpoint() {
  const fromQuery = new URLSearchParams(window.location.search).get('endpoint');
  if (fromQuery) {
    return fromQuery;
  }
  try {
    const { endpoint } = await fetchJson('cognate.json');
    if (endpoint) {
      return endpoint;
    }
  } catch {
    // no cognate.json: fall back to the sandbox default
  }
  return DEFAULT_ENDPOINT;
}

/** Fetches the config, configures Amplify and returns { outputs, userPoolEndpoint }. */
export async function configureAmplify() {
  let outputs;
  try {
    outputs = await fetchJson('amplify_outputs.json');
  } catch (e) {
    throw new Error(`could not load amplify_outputs.json (${e.message}). Put the file Cognate ` +
      'wrote next to index.html, or run `npm run dev` with the sandbox running.');
  }
  const userPoolEndpoint = (await resolveEndpoint()).replace(/\/+$/, '');

  const config = parseAmplifyConfig(outputs);
  Amplify.configure({
    ...config,
    Auth: {
      Cognito: {
        ...config.Auth.Cognito,
        userPoolEndpoint,
      },
    },
  });
  return { outputs, userPoolEndpoint };
}

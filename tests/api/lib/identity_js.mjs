// Plumbing for driving amazon-cognito-identity-js from tests: an in-memory Storage, and its
// callback APIs turned into bounded promises.

export const CALL_TIMEOUT_MS = 10_000;

/** The Storage interface the library uses (window.localStorage-like), kept in memory. */
export class MemoryStorage {
  constructor() {
    this.items = new Map();
  }

  setItem(key, value) {
    this.items.set(key, String(value));
    return this.items.get(key);
  }

  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }

  removeItem(key) {
    return this.items.delete(key);
  }

  clear() {
    this.items.clear();
  }
}

/**
 * Runs `start(settle)` where settle(kind, value) resolves the promise with { kind, value } and
 * settle('error', err) rejects it; bounded by CALL_TIMEOUT_MS.
 */
export function callback(what, start) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no callback within ${CALL_TIMEOUT_MS} ms`)),
      CALL_TIMEOUT_MS);
    const settle = (kind, value) => {
      clearTimeout(timer);
      if (kind === 'error') {
        reject(value);
      } else {
        resolve({ kind, value });
      }
    };
    try {
      start(settle);
    } catch (e) {
      settle('error', e);
    }
  });
}

/** A node-style (err, result) callback for settle(). */
export const nodeStyle = (settle, kind = 'result') => (err, result) => (err ? settle('error', err) : settle(kind, result));

/** Callbacks for authenticateUser / sendMFACode / verifySoftwareToken: each names its outcome. */
export const authCallbacks = (settle) => ({
  onSuccess: (session) => settle('onSuccess', session),
  onFailure: (err) => settle('error', err),
  mfaSetup: (challengeName, params) => settle('mfaSetup', { challengeName, params }),
  totpRequired: (challengeName, params) => settle('totpRequired', { challengeName, params }),
  mfaRequired: (challengeName, params) => settle('mfaRequired', { challengeName, params }),
  selectMFAType: (challengeName, params) => settle('selectMFAType', { challengeName, params }),
  newPasswordRequired: (attributes, required) => settle('newPasswordRequired', { attributes, required }),
  customChallenge: (params) => settle('customChallenge', params),
});

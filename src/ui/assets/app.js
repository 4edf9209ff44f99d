// Cognate's built-in Authenticator page. It uses only the public Cognito JSON API (the same
// calls Amplify makes: SRP sign-in, MFA_SETUP, SOFTWARE_TOKEN_MFA, ForgotPassword, and with the
// access token ChangePassword, UpdateUserAttributes, VerifyUserAttribute, DeleteUser), plus two
// helpers of this
// server: /_cognate/config (pool and client ids) and /_cognate/qr (draws the otpauth URI as SVG).
// Tokens live in sessionStorage only.

const $ = (id) => document.getElementById(id);
const views = ['view-sign-in', 'view-sign-up', 'view-confirm', 'view-forgot', 'view-reset',
               'view-totp-setup', 'view-totp', 'view-signed-in'];
const state = { config: null, email: '', password: '', session: '', userId: '' };

// ---- the Cognito JSON API -------------------------------------------------------------------

class ApiError extends Error {
  constructor(type, message) { super(message); this.type = type; }
}

async function call(operation, body) {
  let response;
  try {
    response = await fetch('/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1',
                 'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NetworkError', 'Cannot reach the server.');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(data.__type || 'UnknownError').split('#').pop();
    throw new ApiError(type, data.message || data.Message || `HTTP ${response.status}`);
  }
  return data;
}

// ---- SRP-6a as Cognito computes it (3072-bit group, SHA-256, minimal two's-complement PAD) ----

const N = BigInt('0x' +
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF');
const G = 2n;
const utf8 = (s) => new TextEncoder().encode(s);

function modPow(base, exp, mod) {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    exp >>= 1n;
    base = (base * base) % mod;
  }
  return result;
}

function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
const bytesToHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const toBig = (bytes) => BigInt('0x' + (bytesToHex(bytes) || '0'));

function pad(n) {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if ('89abcdef'.includes(hex[0])) hex = '00' + hex;
  return hexToBytes(hex);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const sha256 = async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data));
async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, data));
}
const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const toBase64 = (b) => btoa(String.fromCharCode(...b));

function srpTimestamp(d = new Date()) {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${d.getUTCDate()} ` +
         `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

async function srpSignIn(email, password) {
  const a = toBig(crypto.getRandomValues(new Uint8Array(64)));
  const A = modPow(G, a, N);
  const first = await call('InitiateAuth', {
    AuthFlow: 'USER_SRP_AUTH', ClientId: state.config.clientId,
    AuthParameters: { USERNAME: email, SRP_A: A.toString(16) },
  });
  if (first.ChallengeName !== 'PASSWORD_VERIFIER') return first;
  const p = first.ChallengeParameters;
  const B = BigInt('0x' + p.SRP_B);
  const salt = BigInt('0x' + p.SALT);
  const userId = p.USER_ID_FOR_SRP;
  const poolName = state.config.userPoolId.split('_')[1];
  const k = toBig(await sha256(concat(pad(N), pad(G))));
  const u = toBig(await sha256(concat(pad(A), pad(B))));
  const inner = await sha256(utf8(`${poolName}${userId}:${password}`));
  const x = toBig(await sha256(concat(pad(salt), inner)));
  const base = ((B - ((k * modPow(G, x, N)) % N)) % N + N) % N;
  const S = modPow(base, a + u * x, N);
  const prk = await hmac(pad(u), pad(S));
  const key = (await hmac(prk, concat(utf8('Caldera Derived Key'), new Uint8Array([1])))).slice(0, 16);
  const timestamp = srpTimestamp();
  const signature = await hmac(key, concat(utf8(poolName), utf8(userId), fromBase64(p.SECRET_BLOCK), utf8(timestamp)));
  state.userId = userId;
  return call('RespondToAuthChallenge', {
    ClientId: state.config.clientId, ChallengeName: 'PASSWORD_VERIFIER', Session: first.Session,
    ChallengeResponses: { USERNAME: userId, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
                          PASSWORD_CLAIM_SIGNATURE: toBase64(signature), TIMESTAMP: timestamp },
  });
}

// ---- messages a person understands ---------------------------------------------------------

const passwordRules = {
  'Password not long enough': (c) => `Use at least ${c.passwordPolicy.minLength} characters.`,
  'Password must have lowercase characters': () => 'Add a lower-case letter.',
  'Password must have uppercase characters': () => 'Add an upper-case letter.',
  'Password must have numeric characters': () => 'Add a number.',
  'Password must have symbol characters': () => 'Add a symbol, such as ! or #.',
};

// Every rule of the policy `password` breaks, as one sentence ("" when none is broken here).
function missingRules(p, password) {
  const chars = [...password];
  if (chars.length < p.minLength) return `Use at least ${p.minLength} characters.`;
  const needs = [];
  if (p.requireLowercase && !/[a-z]/.test(password)) needs.push('a lower-case letter');
  if (p.requireUppercase && !/[A-Z]/.test(password)) needs.push('an upper-case letter');
  if (p.requireNumbers && !/[0-9]/.test(password)) needs.push('a number');
  if (p.requireSymbols && !/[\^$*.\[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password)) needs.push('a symbol, such as ! or #');
  if (!needs.length) return '';
  const list = needs.length === 1 ? needs[0] : `${needs.slice(0, -1).join(', ')} and ${needs[needs.length - 1]}`;
  return `Add ${list}.`;
}

function friendly(error, where) {
  const m = error.message || '';
  switch (error.type) {
    case 'UsernameExistsException':
      return 'An account with this email already exists. Sign in instead.';
    case 'AliasExistsException':
      return 'That email address belongs to another account. Use another address.';
    case 'InvalidPasswordException': {
      const missing = missingRules(state.config.passwordPolicy, state.attemptedPassword || '');
      if (missing.length) return `That password is too weak. ${missing}`;
      const fix = passwordRules[m.split('policy: ')[1]];
      return `That password is too weak. ${fix ? fix(state.config) : m}`;
    }
    case 'CodeMismatchException':
      return where === 'mfa'
        ? 'That code didn’t work. Each code works once: wait for the next code in your app and try again.'
        : 'That code isn’t right. Check the email and try again.';
    case 'EnableSoftwareTokenMFAException':
      return 'That code didn’t match. Make sure your phone’s clock is right and enter the current code.';
    case 'ExpiredCodeException':
      return 'That code has expired or was replaced by a newer one. Use the code from the latest email, or ask for a new code.';
    case 'NotAuthorizedException':
      if (m.includes('attempts exceeded')) return 'Too many failed attempts. Wait a few minutes, then try again.';
      if (where === 'change-password' && m.includes('Incorrect username or password')) {
        return 'Your current password is wrong.';
      }
      if (m.includes('session')) return 'This sign-in took too long. Please sign in again.';
      if (m.includes('disabled')) return 'This account is disabled. Contact the app’s support.';
      if (m.includes('Incorrect username or password')) return 'Wrong email or password.';
      return m;
    case 'LimitExceededException':
    case 'TooManyRequestsException':
      return 'Too many attempts right now. Wait a little, then try again.';
    case 'InvalidParameterException':
      if (m.includes('should be an email') || m.includes('email address format')) return 'Enter a valid email address.';
      return m;
    case 'NetworkError':
    case 'InternalErrorException':
      return 'The service is not reachable right now. Please try again in a moment.';
    default:
      return m;
  }
}

// ---- screens --------------------------------------------------------------------------------

function show(view, { tabs = false, focus = true } = {}) {
  for (const v of views) $(v).hidden = v !== view;
  $('tabs').hidden = !tabs;
  for (const [tab, panel] of [['tab-sign-in', 'view-sign-in'], ['tab-sign-up', 'view-sign-up']]) {
    $(tab).setAttribute('aria-selected', String(view === panel));
    $(tab).tabIndex = view === panel || (!tabs && tab === 'tab-sign-in') ? 0 : -1;
  }
  const first = $(view).querySelector('input');
  if (focus && first) first.focus();
}

// The visible screen's first input: where the user fixes what an error is about.
function focusField(selector = 'input') {
  const view = views.map($).find((v) => !v.hidden);
  const field = view && (view.querySelector(selector) || view.querySelector('input'));
  if (field) { field.focus(); field.select(); }
}

// Shows `text` where the user is looking: just above `anchor` (the button just pressed), else
// above the visible screen's main button.
function message(kind, text, anchor) {
  const other = kind === 'error' ? 'info' : 'error';
  $(other).hidden = true;
  $(kind).textContent = text || '';
  $(kind).hidden = !text;
  const view = views.map($).find((v) => !v.hidden);
  const where = anchor || (view && view.querySelector('button.primary'));
  if (text && where) where.before($(kind));
}
const clearMessages = () => { message('error', ''); message('info', ''); };

// Runs an action with its form's button disabled; errors become a message on the same screen.
async function busy(form, action, where) {
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  clearMessages();
  try {
    await action();
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.type === 'NotAuthorizedException' && (e.message || '').includes('session')) {
        show('view-sign-in', { tabs: true });
      }
      const inPlace = !form.closest('section').hidden;
      message('error', friendly(e, where), inPlace ? button : undefined);
      if (inPlace) {
        const selector = e.type === 'InvalidPasswordException' ? 'input[name="password"]' : 'input';
        const field = form.querySelector(selector) || form.querySelector('input');
        if (field) { field.focus(); field.select(); }
      } else {
        focusField();
      }
    } else {
      message('error', 'Something went wrong. Please try again.');
      console.error(e);
    }
  } finally {
    button.disabled = false;
  }
}

// The access token of the signed-in user (null when signed out).
const accessToken = () => (JSON.parse(sessionStorage.getItem('cognate.tokens') || 'null') || {}).accessToken || null;

async function next(step) {
  if (step.AuthenticationResult) {
    const t = step.AuthenticationResult;
    sessionStorage.setItem('cognate.tokens', JSON.stringify({
      accessToken: t.AccessToken, idToken: t.IdToken, refreshToken: t.RefreshToken }));
    state.password = '';
    await showSignedIn();
    return;
  }
  state.session = step.Session;
  if (step.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
    $('totp-code').value = '';
    show('view-totp');
  } else if (step.ChallengeName === 'MFA_SETUP') {
    await startTotpSetup();
  } else {
    throw new ApiError('Unsupported', `This page cannot answer the ${step.ChallengeName} challenge.`);
  }
}

async function signIn(email, password) {
  state.email = email;
  try {
    await next(await srpSignIn(email, password));
  } catch (e) {
    if (e instanceof ApiError && e.type === 'UserNotConfirmedException') {
      state.password = password;
      const sent = await call('ResendConfirmationCode', { ClientId: state.config.clientId, Username: email });
      showConfirm(sent.CodeDeliveryDetails);
      message('info', 'Your account isn’t confirmed yet. We sent you a new code.');
      return;
    }
    if (e instanceof ApiError && e.type === 'PasswordResetRequiredException') {
      await sendResetCode(email);
      message('info', 'You need to choose a new password before you sign in. We emailed you a code.');
      return;
    }
    throw e;
  }
}

// ForgotPassword, then the screen where the code and the new password go.
async function sendResetCode(email) {
  state.email = email;
  const sent = await call('ForgotPassword', { ClientId: state.config.clientId, Username: email });
  $('reset-destination').textContent = (sent.CodeDeliveryDetails && sent.CodeDeliveryDetails.Destination) || email;
  for (const id of ['reset-code', 'reset-password', 'reset-confirm']) $(id).value = '';
  show('view-reset');
}

function showConfirm(delivery) {
  $('confirm-destination').textContent = (delivery && delivery.Destination) || state.email;
  $('confirm-code').value = '';
  show('view-confirm');
}

async function startTotpSetup() {
  const associated = await call('AssociateSoftwareToken', { Session: state.session });
  state.session = associated.Session;
  const secret = associated.SecretCode;
  const issuer = state.config.appName;
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(state.email)}`;
  const uri = `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;
  const svg = await fetch('/_cognate/qr', { method: 'POST', body: uri });
  if (!svg.ok) throw new ApiError('QrError', 'Could not draw the QR code; enter the key instead.');
  const old = $('totp-qr').src;
  $('totp-qr').src = URL.createObjectURL(await svg.blob());
  if (old.startsWith('blob:')) URL.revokeObjectURL(old);
  $('totp-secret').textContent = secret;
  $('totp-setup-code').value = '';
  show('view-totp-setup');
}

async function showSignedIn() {
  const tokens = JSON.parse(sessionStorage.getItem('cognate.tokens') || 'null');
  if (!tokens) return false;
  try {
    const user = await call('GetUser', { AccessToken: tokens.accessToken });
    const email = (user.UserAttributes.find((a) => a.Name === 'email') || {}).Value || user.Username;
    $('signed-in-email').textContent = email;
    show('view-signed-in');
    return true;
  } catch (e) {
    sessionStorage.removeItem('cognate.tokens');
    return false;
  }
}

// ---- wiring ---------------------------------------------------------------------------------

function describePolicy(p) {
  const parts = [`at least ${p.minLength} characters`];
  if (p.requireLowercase) parts.push('a lower-case letter');
  if (p.requireUppercase) parts.push('an upper-case letter');
  if (p.requireNumbers) parts.push('a number');
  if (p.requireSymbols) parts.push('a symbol');
  return `Use ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}.`;
}

function wire() {
  $('tab-sign-in').addEventListener('click', () => { clearMessages(); show('view-sign-in', { tabs: true }); });
  $('tab-sign-up').addEventListener('click', () => { clearMessages(); show('view-sign-up', { tabs: true }); });
  $('tabs').addEventListener('keydown', (e) => {
    const keys = { ArrowRight: 'next', ArrowLeft: 'next', Home: 'tab-sign-in', End: 'tab-sign-up' };
    if (!keys[e.key]) return;
    e.preventDefault();
    const id = keys[e.key] === 'next'
      ? (document.activeElement === $('tab-sign-in') ? 'tab-sign-up' : 'tab-sign-in')
      : keys[e.key];
    clearMessages();
    show(id === 'tab-sign-in' ? 'view-sign-in' : 'view-sign-up', { tabs: true, focus: false });
    $(id).focus();
  });
  for (const b of document.querySelectorAll('.back-to-sign-in')) {
    b.addEventListener('click', () => { clearMessages(); show('view-sign-in', { tabs: true }); });
  }

  // ---- forgotten password ----
  $('forgot-password').addEventListener('click', () => {
    clearMessages();
    $('forgot-email').value = $('sign-in-email').value.trim();
    show('view-forgot');
  });
  $('form-forgot').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, () => sendResetCode(form.email.value.trim()));
  });
  $('form-reset').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (form.password.value !== form.confirm.value) {
      message('error', 'The passwords don’t match.', form.querySelector('button[type="submit"]'));
      form.confirm.focus();
      return;
    }
    busy(form, async () => {
      state.attemptedPassword = form.password.value;
      await call('ConfirmForgotPassword', {
        ClientId: state.config.clientId, Username: state.email,
        ConfirmationCode: form.code.value.trim(), Password: form.password.value });
      $('sign-in-email').value = state.email;
      $('sign-in-password').value = '';
      show('view-sign-in', { tabs: true });
      $('sign-in-password').focus();
      message('info', 'Your password was changed. Sign in with the new one.');
    });
  });
  $('resend-reset-code').addEventListener('click', async () => {
    clearMessages();
    try {
      await sendResetCode(state.email);
      message('info', `We sent a new code to ${$('reset-destination').textContent}.`);
    } catch (e) {
      message('error', friendly(e));
    }
  });

  // ---- the signed-in user's account ----
  $('form-change-password').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (form.password.value !== form.confirm.value) {
      message('error', 'The new passwords don’t match.', form.querySelector('button[type="submit"]'));
      form.confirm.focus();
      return;
    }
    busy(form, async () => {
      state.attemptedPassword = form.password.value;
      await call('ChangePassword', { AccessToken: accessToken(),
        PreviousPassword: form.current.value, ProposedPassword: form.password.value });
      form.reset();
      message('info', 'Your password was changed.', form.querySelector('button[type="submit"]'));
    }, 'change-password');
  });
  $('form-change-email').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, async () => {
      const answer = await call('UpdateUserAttributes', { AccessToken: accessToken(),
        UserAttributes: [{ Name: 'email', Value: form.email.value.trim() }] });
      const pending = (answer.CodeDeliveryDetailsList || [])[0];
      if (!pending) {
        message('info', 'That is already your email.', form.querySelector('button[type="submit"]'));
        return;
      }
      $('verify-email-destination').textContent = pending.Destination;
      $('verify-email-code').value = '';
      $('form-verify-email').hidden = false;
      $('verify-email-code').focus();
      message('info', `We sent a code to ${pending.Destination}. Your email changes once you enter it.`,
              $('form-verify-email').querySelector('button[type="submit"]'));
    });
  });
  $('form-verify-email').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, async () => {
      await call('VerifyUserAttribute', { AccessToken: accessToken(), AttributeName: 'email',
                                          Code: form.code.value.trim() });
      form.hidden = true;
      $('form-change-email').reset();
      await showSignedIn();
      message('info', 'Your email was changed. Sign in with it from now on.', $('sign-out'));
    });
  });
  $('resend-email-code').addEventListener('click', async () => {
    clearMessages();
    try {
      const sent = await call('GetUserAttributeVerificationCode', { AccessToken: accessToken(), AttributeName: 'email' });
      message('info', `We sent a new code to ${sent.CodeDeliveryDetails.Destination}.`,
              $('form-verify-email').querySelector('button[type="submit"]'));
    } catch (e) {
      message('error', friendly(e), $('form-verify-email').querySelector('button[type="submit"]'));
    }
  });
  $('form-delete').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (form.confirm.value.trim() !== 'DELETE') {
      message('error', 'Type DELETE in capitals to confirm.', form.querySelector('button[type="submit"]'));
      form.confirm.focus();
      return;
    }
    busy(form, async () => {
      await call('DeleteUser', { AccessToken: accessToken() });
      sessionStorage.removeItem('cognate.tokens');
      form.reset();
      for (const d of document.querySelectorAll('details.account')) d.open = false;
      $('sign-in-password').value = '';
      show('view-sign-in', { tabs: true });
      message('info', 'Your account was deleted.');
    });
  });

  $('form-sign-in').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, () => signIn(form.email.value.trim(), form.password.value));
  });

  $('form-sign-up').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (form.password.value !== form.confirm.value) {
      message('error', 'The passwords don’t match.');
      return;
    }
    busy(form, async () => {
      const email = form.email.value.trim();
      state.attemptedPassword = form.password.value;
      const created = await call('SignUp', {
        ClientId: state.config.clientId, Username: email, Password: form.password.value,
        UserAttributes: [{ Name: 'email', Value: email }],
      });
      state.email = email;
      state.password = form.password.value;
      showConfirm(created.CodeDeliveryDetails);
    });
  });

  $('form-confirm').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, async () => {
      await call('ConfirmSignUp', { ClientId: state.config.clientId, Username: state.email,
                                    ConfirmationCode: form.code.value.trim() });
      if (state.password) {
        await signIn(state.email, state.password);
      } else {
        $('sign-in-email').value = state.email;
        show('view-sign-in', { tabs: true });
        message('info', 'Your account is confirmed. Sign in to continue.');
      }
    });
  });

  $('resend-code').addEventListener('click', async () => {
    clearMessages();
    try {
      const sent = await call('ResendConfirmationCode', { ClientId: state.config.clientId, Username: state.email });
      message('info', `We sent a new code to ${sent.CodeDeliveryDetails.Destination}.`);
    } catch (e) {
      if (e.type === 'InvalidParameterException' && e.message === 'User is already confirmed.') {
        show('view-sign-in', { tabs: true });
        message('info', 'Your account is already confirmed. Sign in to continue.');
        return;
      }
      message('error', friendly(e));
    }
  });

  $('copy-secret').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($('totp-secret').textContent);
      message('info', 'Key copied.');
    } catch {
      message('info', 'Select the key and copy it by hand.');
    }
  });

  $('form-totp-setup').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, async () => {
      const verified = await call('VerifySoftwareToken', { Session: state.session, UserCode: form.code.value.trim() });
      await next(await call('RespondToAuthChallenge', {
        ClientId: state.config.clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session,
        ChallengeResponses: { USERNAME: state.userId || state.email } }));
    }, 'setup');
  });

  $('form-totp').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, async () => {
      await next(await call('RespondToAuthChallenge', {
        ClientId: state.config.clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: state.session,
        ChallengeResponses: { USERNAME: state.userId || state.email, SOFTWARE_TOKEN_MFA_CODE: form.code.value.trim() } }));
    }, 'mfa');
  });

  $('sign-out').addEventListener('click', async () => {
    const tokens = JSON.parse(sessionStorage.getItem('cognate.tokens') || 'null');
    sessionStorage.removeItem('cognate.tokens');
    if (tokens && tokens.refreshToken) {
      await call('RevokeToken', { ClientId: state.config.clientId, Token: tokens.refreshToken }).catch(() => {});
    }
    clearMessages();
    for (const d of document.querySelectorAll('details.account')) d.open = false;
    for (const f of document.querySelectorAll('details.account form')) f.reset();
    $('form-verify-email').hidden = true;
    $('sign-in-password').value = '';
    show('view-sign-in', { tabs: true });
    message('info', 'You have signed out.');

  });
}

async function main() {
  state.config = await (await fetch('/_cognate/config')).json();
  document.title = `${state.config.appName}: sign in`;
  $('app-name').textContent = state.config.appName;
  for (const hint of document.querySelectorAll('.password-rules')) {
    hint.textContent = describePolicy(state.config.passwordPolicy);
  }
  wire();
  if (!(await showSignedIn())) show('view-sign-in', { tabs: true });
}

main().catch((e) => {
  console.error(e);
  message('error', 'The sign-in page could not start. Reload to try again.');
});

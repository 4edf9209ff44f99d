import { useCallback, useEffect, useState } from 'react';
import { AccountSettings, Authenticator, Button, Heading, Text, View } from '@aws-amplify/ui-react';
import { fetchAuthSession, fetchUserAttributes } from 'aws-amplify/auth';

function describeIat(iat) {
  return iat ? `${new Date(iat * 1000).toISOString()} (iat ${iat})` : '…';
}

function SignedIn({ signOut }) {
  const [email, setEmail] = useState(null);
  const [token, setToken] = useState(null); // { iat, jti } of the current access token
  const [refreshes, setRefreshes] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);


  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const attributes = await fetchUserAttributes(); // GetUser
        const session = await fetchAuthSession();
        if (live) {
          setEmail(attributes.email ?? '(no email attribute)');
          const payload = session.tokens?.accessToken?.payload ?? {};
          setToken({ iat: payload.iat, jti: payload.jti });
        }
      } catch (e) {
        if (live) setError(`${e.name}: ${e.message}`);
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      // Always goes to the server: GetTokensFromRefreshToken with the stored refresh token.
      const session = await fetchAuthSession({ forceRefresh: true });
      const payload = session.tokens?.accessToken?.payload;
      if (!payload) {
        throw new Error('no tokens after refresh (signed out?)');
      }
      setToken({ iat: payload.iat, jti: payload.jti });
      setRefreshes((n) => n + 1);
    } catch (e) {
      setError(`${e.name}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  }, []);

  return (
    <View as="main" className="signed-in" padding="large">
      <Heading level={3}>You are signed in</Heading>
      <Text>
        Email: <strong data-testid="email">{email ?? '…'}</strong>
      </Text>
      <Text>
        Access token issued at:{' '}
        <span data-testid="access-iat" data-iat={token?.iat ?? ''} data-jti={token?.jti ?? ''}>
          {describeIat(token?.iat)}
        </span>
      </Text>
      <Text data-testid="refresh-count">Refreshed {refreshes} time{refreshes === 1 ? '' : 's'}</Text>
      {error && (
        <Text role="alert" variation="error" data-testid="error">
          {error}
        </Text>
      )}
      <div className="actions">
        <Button onClick={refresh} isLoading={busy} loadingText="Refreshing…">
          Refresh session
        </Button>
        <Button variation="primary" onClick={signOut}>
          Sign out
        </Button>
      </div>
      <section className="account-settings" aria-labelledby="change-password-heading">
        <Heading level={4} id="change-password-heading">
          Change password
        </Heading>
        {/* updatePassword → ChangePassword */}
        <AccountSettings.ChangePassword
          onSuccess={() => setNotice('Your password was changed.')}
          onError={(e) => {
            setNotice(null);
            setError(`${e.name}: ${e.message}`);
          }}

        />
        {notice && (
          <Text role="status" data-testid="notice">
            {notice}
          </Text>
        )}
      </section>
      <section className="account-settings" aria-labelledby="delete-account-heading">
        <Heading level={4} id="delete-account-heading">
          Delete account
        </Heading>
        {/* deleteUser → DeleteUser, then sign-out; the Authenticator returns to Sign In */}
        <AccountSettings.DeleteUser onError={(e) => setError(`${e.name}: ${e.message}`)} />
      </section>

    </View>
  );
}

export default function App({ endpoint }) {
  return (
    <>
      <Authenticator>{({ signOut }) => <SignedIn signOut={signOut} />}</Authenticator>
      <footer className="endpoint">
        Cognate endpoint: <code>{endpoint}</code>
      </footer>
    </>
  );
}

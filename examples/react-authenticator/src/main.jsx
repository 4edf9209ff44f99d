import React from 'react';
import { createRoot } from 'react-dom/client';
import '@aws-amplify/ui-react/styles.css';
import './app.css';
import { configureAmplify } from './config.js';
import App from './App.jsx';

const root = createRoot(document.getElementById('root'));

configureAmplify().then(
  ({ userPoolEndpoint }) => {
    root.render(
      <React.StrictMode>
        <App endpoint={userPoolEndpoint} />
      </React.StrictMode>,
    );
  },
  (error) => {
    root.render(
      <main className="config-error" role="alert">
        <h1>Configuration problem</h1>
        <p>{error.message}</p>
      </main>,
    );
  },
);

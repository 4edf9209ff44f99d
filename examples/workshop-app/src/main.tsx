import React from "react";
import ReactDOM from "react-dom/client";
import { Amplify } from "aws-amplify";
import { parseAmplifyConfig } from "aws-amplify/utils";
import App from "./App.tsx";
import outputs from "../amplify_outputs.json";
import "@aws-amplify/ui-react/styles.css";

// amplify_outputs.json is written by `cognate sandbox` (as `npx ampx sandbox` writes it for AWS).
// The one line Cognate needs: where the user pool is served. amplify_outputs.json has no key for
// it, so it is set after parsing (VITE_COGNATE_ENDPOINT at build time, else the sandbox default).
const config = parseAmplifyConfig(outputs);
Amplify.configure({
  ...config,
  Auth: {
    Cognito: {
      ...config.Auth!.Cognito,
      userPoolEndpoint: import.meta.env.VITE_COGNATE_ENDPOINT ?? "http://127.0.0.1:9339",
    },
  },
});

ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    <App />
  </React.StrictMode>,
);

// Pre-fills a stopped cognito-local's user pool with N confirmed users, the ones `cognate seed`
// creates: user<i>@seed.example (i = 0 … N-1), password Seed-Passw0rd!, email verified. Used by
// start.sh --users N; much faster than N SignUp + ConfirmSignUp calls, each of which rewrites the
// whole pool file.
//
// Usage: node seed.mjs POOL_FILE N
//   POOL_FILE: DIR/.cognito/db/<pool id>.json, written by cognito-local (its StormDB store). The
//   server must not be running: it keeps the file in memory and would overwrite it.
//
// Each record has the shape cognito-local 5.3.0's SignUp + ConfirmSignUp give for a pool with
// UsernameAttributes [email] (lib/targets/signUp.js, confirmSignUp.js): Username is the sub (a
// UUID v4), the email is an attribute (InitiateAuth and the other targets find the user by
// scanning for it), the password is kept in clear, and dates are ISO strings (StormDB revives
// keys ending in "Date"). One addition: email_verified = "true", as `cognate seed` sets it
// (cognito-local's ConfirmSignUp does not add it). Users whose email is already there are
// skipped.
import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";

const [file, count] = process.argv.slice(2);
const n = Number(count);
if (!file || !Number.isInteger(n) || n < 0) {
  console.error("usage: node seed.mjs POOL_FILE N");
  process.exit(2);
}

const started = process.hrtime.bigint();
const db = JSON.parse(readFileSync(file, "utf8"));
if (!db.Options?.UsernameAttributes?.includes("email")) {
  console.error(`seed.mjs: ${file}: the pool does not use the email as the username`);
  process.exit(2);
}
db.Users ??= {};
const existing = new Set();
for (const user of Object.values(db.Users)) {
  const email = user.Attributes?.find((a) => a.Name === "email")?.Value;
  if (email) existing.add(email);
}

const now = new Date().toISOString();
let created = 0;
for (let i = 0; i < n; i++) {
  const email = `user${i}@seed.example`;
  if (existing.has(email)) continue;
  const sub = randomUUID();
  db.Users[sub] = {
    Attributes: [
      { Name: "sub", Value: sub },
      { Name: "email", Value: email },
      { Name: "email_verified", Value: "true" },
    ],
    Enabled: true,
    Password: "Seed-Passw0rd!",
    RefreshTokens: [],
    UserCreateDate: now,
    UserLastModifiedDate: now,
    Username: sub,
    UserStatus: "CONFIRMED",
  };
  created++;
}

// Written the way cognito-local writes it (JSON, two-space indent), through a temporary file so
// an interrupted run leaves the old file whole.
writeFileSync(`${file}.seed-tmp`, JSON.stringify(db, null, 2));
renameSync(`${file}.seed-tmp`, file);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.error(
  `seed.mjs: ${created} users created, ${n - created} already there, in ${ms.toFixed(0)} ms`,
);

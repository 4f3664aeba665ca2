#!/usr/bin/env node
// A mail sink for the SMTP tests: node tools/smtp-sink.js PORT DIR
// Listens on 127.0.0.1:PORT (no TLS, so no STARTTLS) and writes each message it accepts, raw, to DIR/<sequence>.eml.
// It offers AUTH PLAIN and LOGIN over that plain connection, as a badly configured server (or an attacker who strips
// STARTTLS) would, so tests can check that a password is sent in clear only when explicitly allowed. Authentication is
// optional; every attempt is recorded in DIR/auth/<user> (the password is not stored) and succeeds with the password
// "sink-password", else gets 535.
// Recipients whose local part starts with "reject" are refused with 550, with "busy" with 451, so tests can drive
// the permanent and the transient outcome through a real SMTP conversation; "hangup" gets 421 and the connection is
// closed, as a server does when it shuts down or drops an idle client.
'use strict';
const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

const [port, dir] = process.argv.slice(2);
if (!/^[0-9]+$/.test(port || '') || !dir) {
  console.error('usage: node tools/smtp-sink.js PORT DIR');
  process.exit(2);
}
fs.mkdirSync(path.join(dir, 'auth'), { recursive: true });

let sequence = 0;

function refusal(code, text) {
  const err = new Error(text);
  err.responseCode = code;
  return err;
}

const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  banner: 'escalation test sink',
  logger: false,
  onAuth(auth, session, callback) {
    const user = String(auth.username || '');
    const accepted = auth.password === 'sink-password';
    const file = path.join(dir, 'auth', encodeURIComponent(user));
    fs.writeFile(file, `${auth.method} ${accepted ? 'accepted' : 'refused'}\n`, { flag: 'a' }, () =>
      accepted ? callback(null, { user }) : callback(refusal(535, '5.7.8 Authentication credentials invalid')));
  },
  onRcptTo(address, session, callback) {
    const local = address.address.split('@')[0].toLowerCase();
    if (local.startsWith('reject')) {
      return callback(refusal(550, '5.1.1 Mailbox unavailable'));
    }
    if (local.startsWith('busy')) {
      return callback(refusal(451, '4.3.0 Mailbox busy, try again later'));
    }
    if (local.startsWith('hangup')) {
      return callback(refusal(421, '4.3.2 Service shutting down, closing the connection'));
    }
    return callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      // Written under a temporary name and renamed, so a test polling DIR never reads half a message.
      const name = String(++sequence).padStart(6, '0') + '.eml';
      const temp = path.join(dir, name + '.tmp');
      fs.writeFile(temp, Buffer.concat(chunks), (err) => {
        if (err) return callback(refusal(451, '4.3.0 Cannot store the message'));
        fs.rename(temp, path.join(dir, name), (err2) =>
          callback(err2 ? refusal(451, '4.3.0 Cannot store the message') : null, 'Stored as ' + name));
      });
    });
  },
});

server.on('error', (err) => console.error('smtp-sink:', err.message));
server.listen(Number(port), '127.0.0.1', () => console.log(`smtp-sink on 127.0.0.1:${port}, writing to ${dir}`));

// No graceful close: it would wait for clients that keep their connection open for reuse.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}

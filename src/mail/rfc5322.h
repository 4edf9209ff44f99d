#pragma once
// Rendering a `message` as an RFC 5322 text (what SMTP's DATA carries and what a .eml holds).
// Pure functions; thread-safe.

#include "mail/message.h"

#include <string>
#include <string_view>

namespace cognate::mail {

// The bare address of a mailbox written "Name <addr>" or "addr", e.g. "alice@example.com". Control
// characters, whitespace and angle brackets are removed, so the result is safe in an SMTP command.
std::string addr_spec(std::string_view mailbox);

// The complete message, every line ending in CRLF: Date (UTC), From, To, Reply-To (only when
// set), Subject, Message-ID (only when set), MIME-Version, Content-Type (text/plain, UTF-8) and
// Content-Transfer-Encoding (quoted-printable) headers, a blank line, then the body.
//
// Header values never contain CR or LF: control characters in them become spaces, so no field
// can smuggle in another header. Non-ASCII subjects and display names become RFC 2047
// encoded-words; display names with specials are quoted; header lines are folded to at most 78
// columns (an address longer than that stays on one line). The body is quoted-printable with
// lines of at most 76 columns; each \n, \r\n or lone \r in it becomes CRLF, and decoding it gives
// back the body exactly (with CRLF line breaks). Never fails.
std::string to_rfc5322(const message& m);

}  // namespace cognate::mail

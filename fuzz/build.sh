#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into OUT (default build/fuzz) and, with
# --run SECONDS, runs each that long on a fresh corpus seeded from fuzz/seeds. The code under
# test is compiled from source here (Boost.JSON header-only) so the fuzzer sees its coverage.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/build/fuzz}
seconds=0
if [[ "${1:-}" == "--run" ]]; then
  seconds=${2:?--run SECONDS}
fi
mkdir -p "$out"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$root/src" -DSPDLOG_FMT_EXTERNAL -DBOOST_JSON_STANDALONE_HEADER_ONLY)
common=("$root/src/common/error.cpp" "$root/src/common/reasons.cpp" "$root/src/common/encoding.cpp"
        "$root/fuzz/boost_json.cpp")
clang++-14 "${flags[@]}" -o "$out/request_body_fuzz" "$root/fuzz/request_body_fuzz.cpp" \
  "$root/src/api/decoder.cpp" "${common[@]}" -lspdlog -lfmt
clang++-14 "${flags[@]}" -o "$out/text_parsers_fuzz" "$root/fuzz/text_parsers_fuzz.cpp" \
  "$root/src/pool/srp_timestamp.cpp" "$root/src/pool/email_address.cpp" \
  "$root/src/pool/auth_config.cpp" "$root/src/auth/sigv4.cpp" "$root/src/crypto/hmac.cpp" \
  "${common[@]}" -lspdlog -lfmt -lcrypto -lsodium
if [[ $seconds -gt 0 ]]; then
  for target in request_body_fuzz text_parsers_fuzz; do
    corpus=$(mktemp -d)
    cp "$root"/fuzz/seeds/* "$corpus"/
    echo "fuzzing $target for ${seconds}s"
    "$out/$target" -max_total_time="$seconds" -max_len=4096 -artifact_prefix="$out/" "$corpus" \
      2>"$out/$target.log" || { tail -40 "$out/$target.log"; rm -rf "$corpus"; exit 1; }
    grep -E '^Done|#[0-9]+.*DONE' "$out/$target.log" | tail -1 || true
    rm -rf "$corpus"
  done
fi

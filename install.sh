#!/bin/sh
# Installs the OngoingAI Gateway binary (`ongoingai`) from a GitHub release.
#
#   curl -fsSL https://github.com/ongoingai/gateway/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | ONGOINGAI_VERSION=1.2.3 ONGOINGAI_INSTALL_DIR="$HOME/bin" sh
#
# Environment (all optional):
#   ONGOINGAI_VERSION           release to install, `1.2.3` or `v1.2.3` (default: the latest release)
#   ONGOINGAI_INSTALL_DIR       where `ongoingai` goes (default: /usr/local/bin when writable,
#                               else $HOME/.local/bin, created when missing)
#   ONGOINGAI_INSTALL_BASE_URL  releases base URL, for mirrors and tests
#                               (default: https://github.com/ongoingai/gateway/releases)
#
# The binary is verified against the release's checksums.txt (SHA-256) before it is installed;
# a missing or wrong checksum stops the install. Messages go to stderr. POSIX sh: runs under dash.
set -eu

default_base_url="https://github.com/ongoingai/gateway/releases"
source_url="https://github.com/ongoingai/gateway"
installer_url="$default_base_url/latest/download/install.sh"
binary_name="ongoingai"

log() {
  printf 'ongoingai-install: %s\n' "$1" >&2
}

# Each argument is one line, so a failure can say what was wrong and what to do next.
fail() {
  printf 'ongoingai-install: error: %s\n' "$1" >&2
  shift
  for line in "$@"; do
    printf '  %s\n' "$line" >&2
  done
  exit 1
}

detect_os() {
  raw_os=$(uname -s 2>/dev/null || echo unknown)
  case "$raw_os" in
    Linux) echo linux ;;
    Darwin) echo darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      fail "install.sh does not install on Windows (uname -s: $raw_os)." \
        "Download ongoingai_windows_amd64.exe and checksums.txt from $releases_page" \
        "and put the .exe in a directory on your PATH."
      ;;
    *)
      fail "unsupported operating system: $raw_os (release binaries exist for Linux and macOS)." \
        "Other options:" \
        "- look for a build for your platform on $releases_page" \
        "- run the Linux binary in a Linux container or VM" \
        "- run from source with Deno 2: git clone $source_url && cd gateway && deno task start" \
        "  (or build a binary with: deno task compile)"
      ;;
  esac
}

detect_arch() {
  raw_arch=$(uname -m 2>/dev/null || echo unknown)
  case "$raw_arch" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *)
      fail "unsupported CPU architecture: $raw_arch (release binaries exist for amd64 and arm64)." \
        "Look for a build on $releases_page," \
        "or run from source with Deno 2: git clone $source_url && cd gateway && deno task start"
      ;;
  esac
  # A shell under Rosetta reports x86_64 on Apple silicon; the native binary is the better choice.
  if [ "$1" = darwin ] && [ "$arch" = amd64 ] && command -v sysctl >/dev/null 2>&1; then
    if [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
      arch=arm64
    fi
  fi
  echo "$arch"
}

# Prints the version without its `v`, or nothing for the latest release.
normalize_version() {
  v=${1#v}
  case "$v" in
    "" | latest) return 0 ;;
  esac
  case "$v" in
    *[!0-9A-Za-z.+-]* | "" | [!0-9]*)
      fail "ONGOINGAI_VERSION=$1 is not a release version." \
        "Use a version like 1.2.3 or v1.2.3 (or unset it for the latest release); see $releases_page"
      ;;
  esac
  case "$v" in
    [0-9]*.[0-9]*.[0-9]*) echo "$v" ;;
    *)
      fail "ONGOINGAI_VERSION=$1 is not a release version." \
        "Use a version like 1.2.3 or v1.2.3 (or unset it for the latest release); see $releases_page"
      ;;
  esac
}

pick_downloader() {
  if command -v curl >/dev/null 2>&1; then
    echo curl
  elif command -v wget >/dev/null 2>&1; then
    echo wget
  else
    fail "neither curl nor wget is installed; install one of them and run this script again."
  fi
}

# download URL FILE: 0 on success; otherwise sets http_status (empty when no HTTP answer) and
# returns 1 so the caller can say which file of which release was missing.
download() {
  http_status=""
  download_rc=0
  if [ "$downloader" = curl ]; then
    # -w still prints the status when -f turns an HTTP error into a failure.
    http_status=$(curl -fsSL -o "$2" -w '%{http_code}' "$1") || download_rc=$?
    [ "$http_status" = 000 ] && http_status=""
    return "$download_rc"
  fi
  wget -q -S -O "$2" "$1" 2>"$tmp_dir/wget-headers" || download_rc=$?
  [ "$download_rc" = 0 ] && return 0
  # With -S wget prints every response's status line; the last one is the final answer.
  http_status=$(sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9]*\).*/\1/p' "$tmp_dir/wget-headers" |
    tail -n 1)
  return "$download_rc"
}

download_or_fail() {
  if download "$1" "$2"; then
    return 0
  fi
  if [ "$version_label" = latest ]; then
    release_hint="the latest release"
  else
    release_hint="release v$version"
  fi
  case "$http_status" in
    404)
      fail "$3 not found (HTTP 404) at $1" \
        "$release_hint has no file $3." \
        "Check that the version exists and lists $3 on $releases_page" \
        "(set ONGOINGAI_VERSION=X.Y.Z for another release)."
      ;;
    "")
      fail "could not download $3 from $1 (no HTTP answer; $downloader exit code $download_rc)." \
        "Check your network connection or proxy settings (https_proxy), then run this script again."
      ;;
    *)
      fail "could not download $3 for $release_hint from $1 (HTTP $http_status)." \
        "Try again later, or download it by hand from $releases_page"
      ;;
  esac
}

pick_hasher() {
  if command -v sha256sum >/dev/null 2>&1; then
    echo sha256sum
  elif command -v shasum >/dev/null 2>&1; then
    echo "shasum -a 256"
  else
    fail "cannot verify the download: neither sha256sum nor shasum is installed." \
      "Install coreutils (for sha256sum) or perl (for shasum), then run this script again."
  fi
}

verify_checksum() {
  # sha256sum writes `<hex>  <name>`, or `<hex> *<name>` in binary mode.
  expected=$(awk -v name="$asset" '$2 == name || $2 == ("*" name) { print tolower($1); exit }' \
    "$tmp_dir/checksums.txt")
  if [ -z "$expected" ]; then
    fail "checksums.txt of $version_label has no entry for $asset; refusing to install an unverified binary." \
      "Checked: $checksums_url"
  fi
  # $hasher is one or three words (`shasum -a 256`): split on purpose.
  # shellcheck disable=SC2086
  actual=$($hasher "$tmp_dir/$asset" | awk '{ print tolower($1) }')
  if [ "$actual" != "$expected" ]; then
    fail "checksum mismatch for $asset; refusing to install it." \
      "expected sha256 $expected (from $checksums_url)" \
      "got      sha256 $actual (from $asset_url)" \
      "The download is corrupt or was tampered with. Run this script again; if it keeps failing," \
      "report it at $source_url/issues"
  fi
}

no_write_permission() {
  fail "no permission to write to $1" \
    "Install into a directory you own:" \
    "  curl -fsSL $installer_url | ONGOINGAI_INSTALL_DIR=\"\$HOME/.local/bin\" sh" \
    "or install as root:" \
    "  curl -fsSL $installer_url | sudo sh"
}

choose_install_dir() {
  if [ -n "${ONGOINGAI_INSTALL_DIR:-}" ]; then
    dir=$ONGOINGAI_INSTALL_DIR
  elif [ -d /usr/local/bin ] && [ -w /usr/local/bin ]; then
    dir=/usr/local/bin
  else
    if [ -z "${HOME:-}" ]; then
      fail "/usr/local/bin is not writable and HOME is not set." \
        "Set ONGOINGAI_INSTALL_DIR to the directory to install into."
    fi
    dir=$HOME/.local/bin
  fi
  if [ -e "$dir" ] && [ ! -d "$dir" ]; then
    fail "install directory $dir exists but is not a directory." \
      "Set ONGOINGAI_INSTALL_DIR to a directory."
  fi
  if [ ! -d "$dir" ]; then
    if ! mkdir -p "$dir" 2>/dev/null; then
      parent=$(dirname "$dir")
      while [ ! -e "$parent" ]; do parent=$(dirname "$parent"); done
      if [ -d "$parent" ] && [ ! -w "$parent" ]; then
        no_write_permission "$parent (to create $dir)"
      fi
      fail "cannot create install directory $dir ($parent is in the way)." \
        "Set ONGOINGAI_INSTALL_DIR to a directory you can write to."
    fi
  fi
  # A relative ONGOINGAI_INSTALL_DIR would make the PATH line below wrong in any other directory.
  if absolute=$(CDPATH='' cd -- "$dir" 2>/dev/null && pwd); then
    dir=$absolute
  fi
  if [ ! -w "$dir" ]; then
    no_write_permission "$dir"
  fi
  echo "$dir"
}

# Copy to a temporary name in the target directory, run it there (the same mount as the final
# file, so a noexec mount shows up too), then rename: a running `ongoingai` keeps its old file,
# nobody ever sees a half-written binary, and one that cannot run here never replaces a working
# one.
install_binary() {
  staged="$1/.$binary_name.install.$$"
  target="$1/$binary_name"
  if ! cp "$tmp_dir/$asset" "$staged" 2>/dev/null; then
    rm -f "$staged"
    no_write_permission "$1"
  fi
  chmod 755 "$staged"
  # </dev/null: under `curl ... | sh` stdin is the rest of this script, not for the binary.
  if ! installed_version=$("$staged" version </dev/null 2>&1); then
    rm -f "$staged"
    staged=""
    if [ -e "$target" ]; then
      kept="$target was left as it was."
    else
      kept="Nothing was installed."
    fi
    fail "the downloaded binary does not run here: \`$binary_name version\` failed:" \
      "$installed_version" \
      "$kept The binary may not suit this system ($os/$arch), or $1 may be mounted noexec."
  fi
  mv -f "$staged" "$target"
  staged=""
}

cleanup() {
  if [ -n "${staged:-}" ]; then rm -f "$staged"; fi
  if [ -n "${tmp_dir:-}" ]; then rm -rf "$tmp_dir"; fi
}

main() {
  base_url=${ONGOINGAI_INSTALL_BASE_URL:-$default_base_url}
  base_url=${base_url%/}
  releases_page=$base_url
  staged=""
  tmp_dir=""

  os=$(detect_os)
  arch=$(detect_arch "$os")
  version=$(normalize_version "${ONGOINGAI_VERSION:-}")
  asset="${binary_name}_${os}_${arch}"
  if [ -z "$version" ]; then
    version_label=latest
    release_url="$base_url/latest/download"
  else
    version_label="v$version"
    release_url="$base_url/download/v$version"
  fi
  asset_url="$release_url/$asset"
  checksums_url="$release_url/checksums.txt"
  downloader=$(pick_downloader)
  hasher=$(pick_hasher)
  # Checked before downloading: a permission problem should not cost a download first.
  install_dir=$(choose_install_dir)

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  tmp_dir=$(mktemp -d 2>/dev/null || mktemp -d -t ongoingai-install)

  log "installing $asset ($version_label) into $install_dir"
  log "downloading $asset_url"
  download_or_fail "$asset_url" "$tmp_dir/$asset" "$asset"
  download_or_fail "$checksums_url" "$tmp_dir/checksums.txt" checksums.txt
  verify_checksum
  log "sha256 verified against checksums.txt"
  install_binary "$install_dir"
  log "installed $target: ongoingai $installed_version"

  case ":${PATH:-}:" in
    *":$install_dir:"*)
      found=$(command -v "$binary_name" 2>/dev/null || true)
      if [ -n "$found" ] && [ "$found" != "$target" ]; then
        log "warning: $found comes earlier on your PATH than $target; remove it or reorder PATH."
      fi
      ;;
    *)
      log "warning: $install_dir is not on your PATH. Add this line to your shell profile"
      log "(~/.profile, ~/.bashrc or ~/.zshrc), then open a new terminal:"
      printf '\n  export PATH="%s:$PATH"\n\n' "$install_dir" >&2
      ;;
  esac

  cat >&2 <<'EOF'
Next steps:
  ongoingai init                   create a starter configuration in the current directory
  ongoingai check                  validate the configuration
  ongoingai serve                  start the gateway
  eval "$(ongoingai shell-init)"   point OpenAI and Anthropic clients in this shell at the gateway
EOF
}

# Everything runs from main, so a download of this script cut short by the network runs nothing.
main "$@"

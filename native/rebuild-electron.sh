#!/usr/bin/env bash
# Rebuilds the native modules for Electron's ABI (see native/README.md).
# Usage: bash native/rebuild-electron.sh [x64|arm64]
set -euo pipefail
cd "$(dirname "$0")/.."
arch="${1:-$(node -p 'process.arch')}"
electron_version=$(node -p "require('electron/package.json').version")
echo "rebuilding sqlite3, @serialport/bindings-cpp, onnxruntime-node for Electron ${electron_version} (${arch})" >&2
npx electron-rebuild --version "$electron_version" --arch "$arch" \
  --only sqlite3,@serialport/bindings-cpp,onnxruntime-node --force

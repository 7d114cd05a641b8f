#!/usr/bin/env bash
# Regenerates tests/fixtures/spec-binary/modules.json: the binary modules of the WebAssembly spec testsuite's
# binary.wast, binary-leb128.wast, custom.wast, names.wast and utf8-custom-section-id.wast, as copied into
# binaryen's test/spec (Debian source package binaryen 108, the one reachable copy of the testsuite), converted with
# wabt's wast2json. Needs apt-get (Debian), wabt and python3. Run from the repository root.
set -euo pipefail
out=tests/fixtures/spec-binary
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apt/lists" "$work/src"
cat > "$work/apt/src.sources" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/apt" -o "Dir::State::Lists=$work/apt/lists")
apt-get "${apt[@]}" update >/dev/null
(cd "$work/src" && apt-get "${apt[@]}" source --download-only binaryen=108-1 >/dev/null)
tar -xzf "$work/src"/binaryen_108.orig.tar.gz -C "$work/src" binaryen-version_108/test/spec
mkdir -p "$out"
python3 - "$work" "$out" <<'PY'
import base64, json, os, subprocess, sys
work, out = sys.argv[1], sys.argv[2]
spec = os.path.join(work, 'src/binaryen-version_108/test/spec')
files = ['binary', 'binary-leb128', 'custom', 'names', 'utf8-custom-section-id']
modules = []
for name in files:
    conv = os.path.join(work, name)
    os.makedirs(conv)
    subprocess.run(['wast2json', '--enable-all', os.path.join(spec, name + '.wast'), '-o', os.path.join(conv, name + '.json')], check=True)
    for cmd in json.load(open(os.path.join(conv, name + '.json')))['commands']:
        if 'filename' not in cmd or cmd.get('module_type', 'binary') != 'binary':
            continue
        if cmd['type'] not in ('module', 'assert_malformed'):
            continue
        data = open(os.path.join(conv, cmd['filename']), 'rb').read()
        modules.append({'wast': name + '.wast', 'line': cmd['line'], 'type': cmd['type'],
                        'text': cmd.get('text', ''), 'bytes': base64.b64encode(data).decode()})
json.dump({'source': 'WebAssembly spec testsuite via binaryen 108 test/spec (Debian source package binaryen 108-1), wast2json (wabt)',
           'modules': modules}, open(os.path.join(out, 'modules.json'), 'w'), indent=0)
print(len(modules), 'modules')
PY

#!/usr/bin/env python3
"""Where the app's wasm bytes go, by crate and by module of the app (what twiggy's `top`
would say, grouped): reads the function names a name-keeping build leaves in the module.

    bench/wasm-bytes.py [NAMED.wasm]

Without an argument it makes the named module itself from the last release build
(target/wasm32-unknown-unknown/release/handshake.wasm): wasm-bindgen --keep-debug, then
wasm-opt -Oz -g, the same passes as the shipped file but keeping names, so the sizes are the
shipped ones to within the name section.
"""
import gzip
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def leb(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def sections(data):
    i = 8
    while i < len(data):
        kind = data[i]
        size, j = leb(data, i + 1)
        yield kind, data[j:j + size], j
        i = j + size


def named_module():
    raw = os.path.join(ROOT, 'target/wasm32-unknown-unknown/release/handshake.wasm')
    out = tempfile.mkdtemp(prefix='wasm-bytes-')
    subprocess.run(['wasm-bindgen', '--target', 'web', '--keep-debug', '--out-dir', out, raw], check=True)
    bound = os.path.join(out, 'handshake_bg.wasm')
    named = os.path.join(out, 'named.wasm')
    subprocess.run(['wasm-opt', '-Oz', '-g', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
                    '--enable-sign-ext', '--enable-mutable-globals', bound, '-o', named], check=True)
    return named


def read(path):
    data = open(path, 'rb').read()
    imported = 0
    bodies = []
    names = {}
    data_bytes = data_gzip = 0
    custom = 0
    for kind, body, offset in sections(data):
        if kind == 2:  # imports: functions among them take the first indexes
            count, i = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    n, i = leb(body, i)
                    i += n
                k = body[i]
                i += 1
                if k == 0:
                    _, i = leb(body, i)
                    imported += 1
                elif k in (1, 2):  # a table (its element type first) or a memory: limits
                    if k == 1:
                        i += 1
                    flags = body[i]
                    i += 1
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif k == 3:
                    i += 2
        elif kind == 10:
            base = offset
            count, i = leb(body, 0)
            for _ in range(count):
                size, j = leb(body, i)
                bodies.append((base + j, size))
                i = j + size
        elif kind == 11:
            data_bytes = len(body)
            data_gzip = len(gzip.compress(body, 9))
        elif kind == 0:
            n, i = leb(body, 0)
            name = body[i:i + n].decode()
            i += n
            if name == 'name':
                while i < len(body):
                    sub = body[i]
                    size, j = leb(body, i + 1)
                    if sub == 1:
                        count, k = leb(body, j)
                        for _ in range(count):
                            idx, k = leb(body, k)
                            ln, k = leb(body, k)
                            names[idx] = body[k:k + ln].decode('utf-8', 'replace')
                            k += ln
                    i = j + size
            else:
                custom += len(body)
    return data, imported, bodies, names, (data_bytes, data_gzip)


HASH = re.compile(r'::h[0-9a-f]{16}$')


def owner(name, depth):
    """The crate (or the app's module, `depth` segments deep) a function belongs to."""
    name = HASH.sub('', name)
    name = re.sub(r'\[[0-9a-f]{16}\]', '', name)
    # `<F as leptos_router::…::ChooseView>::choose`: a generic receiver belongs to its trait's crate.
    generic = re.match(r'^<([A-Z][A-Za-z0-9_]*) as ([a-z_][a-z0-9_]*)::', name)
    if generic:
        return generic.group(2)
    # `<T as Trait>::f` and `<T>::f` belong to T's crate; closures to their function's.
    while name.startswith('<'):
        name = name[1:]
    if name.startswith('&') or name.startswith('dyn '):
        name = name.lstrip('&').replace('dyn ', '', 1).replace('mut ', '', 1)
    parts = re.split(r'::|<| as |>|\(|,| ', name)
    parts = [p for p in parts if p]
    if not parts:
        return '?'
    crate = parts[0]
    if crate == 'handshake':
        return '::'.join(parts[:depth])
    if crate.startswith('_') or crate in ('main',) or not re.match(r'^[a-z_][a-z0-9_]*$', crate):
        return '(other: runtime, wasm-bindgen glue, unnamed)'
    return crate


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else named_module()
    data, imported, bodies, names, (data_bytes, data_gzip) = read(path)
    spans = bodies
    code = sum(size for _, size in spans)
    by_crate = defaultdict(int)
    by_module = defaultdict(int)
    packed = defaultdict(bytearray)
    for i, (start, size) in enumerate(spans):
        name = names.get(imported + i, '?')
        crate = owner(name, 1)
        by_crate[crate] += size
        packed[crate] += data[start:start + size]
        if name.startswith('handshake::') or '<handshake::' in name:
            by_module[owner(name.replace('<', ''), 3)] += size
    squeezed = {crate: len(gzip.compress(bytes(b), 9)) for crate, b in packed.items()}
    derive = sum(size for i, (_, size) in enumerate(spans)
                 if 'handshake' in names.get(imported + i, '') and 'serde' in names.get(imported + i, ''))
    print(f'named module: {len(data):,} bytes ({len(gzip.compress(data, 9)):,} gzip); '
          f'code {code:,} bytes in {len(bodies):,} functions ({len(gzip.compress(b"".join(data[a:a + n] for a, n in spans), 9)):,} gzip); '
          f'data (text, tables) {data_bytes:,} bytes ({data_gzip:,} gzip)')
    print('\nCode by crate (bytes of function bodies; a generic belongs to the crate that defines it)')
    print(f'{"crate":<44}{"bytes":>10}{"share":>8}{"gzip alone":>12}')
    for crate, size in sorted(by_crate.items(), key=lambda kv: -kv[1])[:25]:
        print(f'{crate:<44}{size:>10,}{size / code:>8.1%}{squeezed[crate]:>12,}')
    print(f'\nserde code for the app\'s own types (derived Serialize/Deserialize and their visitors): '
          f'{derive:,} bytes ({derive / code:.1%})')
    print('\nThe app (handshake) by module')
    for module, size in sorted(by_module.items(), key=lambda kv: -kv[1])[:25]:
        print(f'{module:<44}{size:>10,}{size / code:>8.1%}')


if __name__ == '__main__':
    main()

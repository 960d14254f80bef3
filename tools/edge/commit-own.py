#!/usr/bin/env python3
"""Commits only this helper's hunks in files other helpers edit too.

usage: commit-own.py MESSAGE SPEC.json
SPEC: {"whole": [paths committed as in the work tree],
       "edits": {path: [[old, new], ...]}  # applied to HEAD's version; the work tree must have them}
A temporary index holds HEAD plus exactly these changes, so other helpers' staged or unstaged
work is never committed; afterwards the real index entries of these paths follow the new HEAD.
"""
import json, os, subprocess, sys, tempfile

msg, spec_file = sys.argv[1], sys.argv[2]
spec = json.load(open(spec_file))
env = dict(os.environ, GIT_INDEX_FILE=tempfile.mktemp(prefix='seqpipe-index-'))
def git(*args, input=None, e=env):
    return subprocess.run(['git', *args], input=input, env=e, check=True, capture_output=True).stdout
def mode(path):
    out = git('ls-tree', 'HEAD', path).decode().split()
    return out[0] if out else '100644'
def _unused(*args, input=None, e=env):
    return subprocess.run(['git', *args], input=input, env=e, check=True, capture_output=True).stdout
git('read-tree', 'HEAD')
paths = []
for path in spec.get('whole', []):
    blob = git('hash-object', '-w', path).decode().strip()
    git('update-index', '--add', '--cacheinfo', f'{mode(path)},{blob},{path}')
    paths.append(path)
for path, edits in spec.get('edits', {}).items():
    head = git('show', f'HEAD:{path}').decode()
    work = open(path).read()
    for old, new in edits:
        if head.count(old) != 1:
            sys.exit(f'{path}: expected one match in HEAD for {old[:60]!r}, found {head.count(old)}')
        head = head.replace(old, new)
        for line in new.splitlines():
            if line.strip() and line not in work:
                sys.exit(f'{path}: the work tree lacks {line!r}: edit it first')
    blob = git('hash-object', '-w', '--stdin', input=head.encode()).decode().strip()
    git('update-index', '--add', '--cacheinfo', f'{mode(path)},{blob},{path}')
    paths.append(path)
git('commit', '-q', '-m', msg)
os.unlink(env['GIT_INDEX_FILE'])
subprocess.run(['git', 'reset', '-q', '--', *paths], check=True)
print(subprocess.run(['git', 'log', '--oneline', '-1'], capture_output=True, text=True).stdout.strip())

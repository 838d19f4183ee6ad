#!/usr/bin/env python3
"""Extract the PortSIP operations pbxctl uses from the vendor's OpenAPI document into
two compact JSON literals compiled into PBXCatalog:

- PortSIPSpec+Generated.swift: the request side (parameters, request body);
- PortSIPAnswers+Generated.swift: the answer side (status codes and their body schemas),
  which the sandbox checks every answer against.

Descriptions and examples are dropped; constraints are kept verbatim.

usage: scripts/extract-portsip-spec.py [--out DIR] [path/to/portsip-openapi-22.0.json]
DIR defaults to Sources/PBXCatalog; the document to docs/vendor/portsip-openapi-22.0.json.
"""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, '..')
args = sys.argv[1:]
out_dir = os.path.join(root, 'Sources', 'PBXCatalog')
if args[:1] == ['--out']:
    out_dir, args = args[1], args[2:]
src = args[0] if args else os.path.join(root, 'docs', 'vendor', 'portsip-openapi-22.0.json')
doc = json.load(open(src, encoding='utf-8'))

# The operations the product was specified with, in that order ("METHOD /path operationId").
ops = []
for line in open(os.path.join(root, 'Tests', 'PBXEndToEndTests', 'seed-operations.txt'), encoding='utf-8'):
    parts = line.split()
    if len(parts) >= 2 and (parts[0], parts[1]) not in ops:
        ops.append((parts[0], parts[1]))
# Operations the list leaves implicit but the commands need: authentication, the
# first sync token of each contact kind, blob downloads, setting a queue agent's status,
# and the tenant-wide CDR list.
for extra in [('POST', '/login'), ('POST', '/auth/refresh_token'),
              ('POST', '/user/contacts/sync_tokens'), ('POST', '/user/business_contacts/sync_tokens'),
              ('POST', '/user/extension_contacts/sync_tokens'), ('GET', '/blobs/{digest}'),
              ('POST', '/user/call_queues/{id}/agent'), ('POST', '/users/{id}/call_queues/{queue_id}/agent'),
              ('GET', '/cdrs')]:
    if extra not in ops:
        ops.append(extra)

DROP = {'description', 'example', 'examples', 'x-category', 'x-subcategory', 'summary', 'tags', 'readOnly', 'writeOnly', 'deprecated'}

def strip(o, names=False):
    # Inside "properties" the keys are field names (one is called "description").
    if isinstance(o, dict):
        if names:
            return {k: strip(v) for k, v in o.items()}
        return {k: strip(v, names=(k == 'properties')) for k, v in o.items() if k not in DROP}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o

def first_sentence(text):
    # Help text is a lowercase phrase without a full stop: "The mobile phone number of
    # user." becomes "the mobile phone number of user"; "MAC address…" keeps its capitals.
    line = ' '.join((text or '').strip().split('\n')[0].split())
    for stop in ('. ', '.  '):
        if stop in line:
            line = line.split(stop)[0]
    line = line.rstrip('. ')
    if len(line) > 1 and line[0].isupper() and line[1].islower():
        line = line[0].lower() + line[1:]
    return line

requests, answers, descriptions = [], [], []
for method, path in ops:
    item = doc['paths'][path]
    op = item[method.lower()]
    entry = {'method': method, 'path': path, 'operationId': op.get('operationId'),
             'parameters': strip(item.get('parameters', []) + op.get('parameters', [])),
             'auth': op.get('security', doc.get('security')) != []}
    body = op.get('requestBody')
    if body:
        content = body.get('content', {})
        ctype = next(iter(content), 'application/json')
        entry['body'] = {'required': body.get('required', False), 'contentType': ctype,
                         'schema': strip(content.get(ctype, {}).get('schema', {}))}
    entry['responses'] = sorted(op.get('responses', {}).keys())
    requests.append(entry)
    # Per status: the content type and schema of the body, or null for no body.
    statuses = {}
    for status in sorted(op.get('responses', {})):
        content = op['responses'][status].get('content', {})
        if content:
            ctype = next(iter(content))
            statuses[status] = {'contentType': ctype, 'schema': strip(content[ctype].get('schema', {}))}
        else:
            statuses[status] = None
    answers.append({'operationId': op.get('operationId'), 'responses': statuses})
    # What the vendor says each top-level body field is: help for a flag the catalog
    # names without words of its own.
    if body:
        schema = body.get('content', {}).get('application/json', {}).get('schema', {})
        fields = {name: first_sentence(value.get('description')) for name, value in schema.get('properties', {}).items()
                  if isinstance(value, dict) and first_sentence(value.get('description'))}
        if fields:
            descriptions.append({'operationId': op.get('operationId'), 'fields': fields})

def write(name, variable, what, value, whose='PortSIP operations pbxctl sends'):
    text = json.dumps(value, separators=(',', ':'), sort_keys=False, ensure_ascii=False)
    assert '"#' not in text
    with open(os.path.join(out_dir, name), 'w', encoding='utf-8') as f:
        f.write('// Generated by scripts/extract-portsip-spec.py from portsip-openapi-22.0.json. Do not edit.\n')
        f.write('// The %s of the %d %s.\n' % (what, len(value), whose))
        f.write('let %s = #"%s"#\n' % (variable, text))

write('PortSIPSpec+Generated.swift', 'portSIPSpecJSON', 'request side', requests)
write('PortSIPAnswers+Generated.swift', 'portSIPAnswersJSON', 'answers (status and body schema)', answers)
write('PortSIPDescriptions+Generated.swift', 'portSIPFieldDescriptionsJSON', 'body field descriptions', descriptions,
      whose='operations pbxctl sends with a JSON body')

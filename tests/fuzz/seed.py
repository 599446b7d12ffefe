#!/usr/bin/env python3
"""Write the starting inputs of each fuzz target into build-fuzz/corpus/TARGET
(then `sh tests/fuzz/run.sh -m TARGET...` keeps those that add coverage in
tests/fuzz/corpus/TARGET).  Sources: tests/data, examples/data, the shared
conformance suites (csv-spectrum, JSONTestSuite), every CSV seed also as a
JSON array and as JSON Lines, and hand-made rows naming the ids the fuzz
store holds (releases 20261127-DC1-000001..., return RMA-O1-1)."""
import csv, glob, io, json, os, sys

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(top, 'build-fuzz', 'corpus')
conf = os.path.join(top, '..', 'shared', 'data', 'conformance')
if len(sys.argv) > 1:
    conf = sys.argv[1]
n = 0


def put(target, name, data):
    global n
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name.replace('/', '_')), 'wb') as f:
        f.write(data)
    n += 1


def csv_variants(target, name, text):
    """The CSV, and the same rows as a JSON array and as JSON Lines."""
    put(target, name, text)
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except Exception:
        return
    put(target, name + '.json', json.dumps(rows, indent=1))
    put(target, name + '.jsonl', ''.join(json.dumps(r) + '\n' for r in rows))


def files(*pats):
    for p in pats:
        for f in sorted(glob.glob(os.path.join(top, p))):
            yield f


def read(f):
    with open(f, 'rb') as fp:
        return fp.read().decode('utf-8', 'replace')


kinds = {
    'import-items': ['tests/data/items.csv', 'tests/data/*/items.csv', 'examples/data/items.csv'],
    'import-nodes': ['tests/data/nodes.csv', 'tests/data/*/nodes.csv', 'examples/data/nodes.csv'],
    'import-inventory': ['tests/data/inventory.csv', 'tests/data/*/inventory.csv',
                         'tests/data/report-inventory.csv', 'tests/data/route/busy-inventory.csv'],
    'import-deltas': ['tests/data/deltas.csv', 'examples/data/inventory-delta.csv'],
    'import-customers': ['tests/data/customers.csv'],
    'import-orders': ['tests/data/orders*.csv', 'tests/data/lines.csv', 'tests/data/*/orders.csv',
                      'tests/data/route/busy-orders.csv'],
    'import-postal': ['tests/data/postal.csv'],
    'import-rates': ['tests/data/rates.csv', 'tests/data/route/rates.csv', 'examples/data/rates.csv'],
}
for t, pats in kinds.items():
    for f in files(*pats):
        text = read(f)
        lines = text.splitlines(True)
        if len(lines) > 40:		# big example files: the head only
            text = ''.join(lines[:40])
        csv_variants(t, os.path.relpath(f, top), text)
for f in files('tests/data/orders.json', 'tests/data/orders.jsonl', 'tests/data/orders-bad.json'):
    put('import-orders', os.path.relpath(f, top), read(f))
    put('import-orders-jsonl', os.path.relpath(f, top), read(f))
with open(os.path.join(top, 'examples/data/orders-extra.json')) as fp:
    extra = json.load(fp)[:5]
put('import-orders', 'orders-extra.json', json.dumps(extra, indent=1))
put('import-orders-jsonl', 'orders-extra.jsonl', ''.join(json.dumps(o) + '\n' for o in extra))

hand = {
    'confirm': [
        'release_id,line_no,status,qty,carrier,tracking,at\n'
        '20261127-DC1-000001,2,shipped,1,UPS,1Z1,2026-11-27T12:00:00Z\n'
        '20261127-V1-000001,1,short,1,,,2026-11-27\n',
        'release_id,line_no,status,qty\n20261127-V1-000001,1,cancelled,1\n'
        '20261127-DC1-000001,2,short,1\n20261127-DC1-000001,1,shipped,2\n',
        'release_id,line_no,status,qty,carrier,tracking,at\n'
        '20261127-ST1-000001,1,picked_up,1,,,2026-11-27T10:00:00+02:00\n'
        'NOPE,1,shipped,1,,,\n20261127-DC1-000001,9,shipped,1,,,\n',
    ],
    'changes': [
        'order_id,line_no,action,qty,hold_type,priority,reason\n'
        'O1,,hold,,fraud,,card check\nO1,,unhold,,fraud,,ok\nO1,2,cancel,1,,,\n'
        'S1,1,reduce,1,,,\nS1,,priority,,,1,\nO3,,cancel,,,,gone\n',
        'order_id,action,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,'
        'ship_country,ship_lat,ship_lon\nO1,address,A B,1 X St,Newark,NJ,07102,US,40.7,-74.1\n'
        'O2,address,,,,,,,,\n',
        'order_id,line_no,action,qty\nO1,1,cancel,\nO2,1,cancel,1\nS2,,cancel,\nZZ,,cancel,\n',
        'order_id,line_no,action,qty,sku,unit_price,discount,reason\nO1,,add,2,B2,,,gift\n'
        'O1,,add,1,A1,4.00,1.00,\nO1,1,raise,5,,,,\nO1,3,raise,9,,,,\nS1,,add,1,NOPE,,,\n'
        'O1,,add,1,B2,,999.99,\nO2,1,raise,1,,,,\n',
    ],
    'return-authorize': [
        'order_id,line_no,qty,reason,channel,node_id\nO1,1,1,changed_mind,mail,DC1\n'
        'O2,1,1,defective,store,ST1\nO1,2,1,x,,\n',
        'order_id,line_no,qty,reason\nO1,1,2,damaged_in_transit\nO9,1,1,x\n',
    ],
    'return-receive': [
        'rma_id,line_no,qty,condition,node_id\nRMA-O1-1,1,1,new,\n',
        'rma_id,line_no,qty,condition,node_id\nRMA-O1-1,1,1,damaged,DC1\n'
        'RMA-O1-1,1,1,opened,ST1\nRMA-O1-2,1,1,new,\nRMA-O1-1,2,1,mint,\n',
    ],
    'return-appease': [
        'order_id,line_no,amount,percent,reason\nO1,,5.00,,late delivery\nO1,1,,10,scratch\n'
        'O2,,,100,sorry\nO9,,1.00,,x\n',
    ],
}
for t, texts in hand.items():
    for i, text in enumerate(texts):
        csv_variants(t, 'hand-%d.csv' % i, text)

# the conformance suites: every CSV to the CSV readers, every JSON text to
# the JSON ones (the orders and items targets take JSON when it starts with
# '[' or '{')
for f in sorted(glob.glob(os.path.join(conf, 'csv-spectrum', 'csvs', '*.csv'))):
    for t in ('import-items', 'import-orders', 'confirm', 'changes'):
        put(t, 'csv-spectrum-' + os.path.basename(f), open(f, 'rb').read())
for f in sorted(glob.glob(os.path.join(conf, 'JSONTestSuite', 'test_parsing', '*.json'))):
    data = open(f, 'rb').read()
    if len(data) > 4096:
        continue
    for t in ('import-orders-jsonl', 'import-items'):
        put(t, 'jsonts-' + os.path.basename(f), data)
print('seed: %d inputs in %s' % (n, out))

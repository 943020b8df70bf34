#!/usr/bin/python3
"""Convert the classic datasets that ship with scikit-learn into Model Lab's example folders.

Reads the plain data files of an installed scikit-learn (Debian: python3-sklearn) under
``sklearn/datasets/data/`` and writes, relative to ``examples/``:

    iris/iris.csv                  150 x 4  + species   (setosa, versicolor, virginica)
    iris-jsonl/iris.jsonl          the 120 iris rows not in iris-eval.jsonl, as JSON Lines
    iris-jsonl/iris-eval.jsonl     a fixed 30-row hold-out: every 5th row of each species
    wine/wine.csv                  178 x 13 + class     (class_0, class_1, class_2)
    breast-cancer/breast_cancer.csv 569 x 30 + diagnosis (malignant, benign)
    digits/digits.csv              1797 x 64 + digit    ("0" .. "9", quoted)

Conversion needs only the standard library. ``--verify`` (which needs scikit-learn and numpy, as
Debian's python3-sklearn provides) re-reads the written files and compares them with
``sklearn.datasets.load_*``: row count, column count, a checksum of every feature value and the
count of every class.

The sklearn files for iris, wine and breast cancer begin with a line of counts, not column
names: ``n_samples,n_features,<class name for target 0>,<class name for target 1>,...``; each
following row is the features then the integer target. ``digits.csv.gz`` has no header at all:
64 pixel values (0..16, row-major 8x8) then the digit. Column names below come from
``sklearn/datasets/_base.py`` (``feature_names``), made snake_case without spaces or slashes.

Values are copied as the text the source file holds (no float round trip), so the written
files carry exactly the numbers scikit-learn loads.

Usage:
    /usr/bin/python3 examples/tools/convert_sklearn_datasets.py            # write the files
    /usr/bin/python3 examples/tools/convert_sklearn_datasets.py --verify   # write, then check
    /usr/bin/python3 examples/tools/convert_sklearn_datasets.py --verify-only
    options: --sklearn-datasets DIR (the sklearn/datasets folder), --out DIR (default: examples/)
"""

import argparse
import csv
import gzip
import hashlib
import importlib.util
import json
import os
import sys
from collections import Counter

DEFAULT_SKLEARN_DATASETS = '/usr/lib/python3/dist-packages/sklearn/datasets'
EXAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']

# sklearn: alcohol, malic_acid, ..., "od280/od315_of_diluted_wines", proline
WINE_FEATURES = [
    'alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols',
    'flavanoids', 'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue',
    'od280_od315_of_diluted_wines', 'proline',
]

# sklearn: "mean radius", ..., "radius error", ..., "worst fractal dimension"
_WDBC_MEASURES = [
    'radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity',
    'concave_points', 'symmetry', 'fractal_dimension',
]
BREAST_CANCER_FEATURES = (
    ['mean_' + m for m in _WDBC_MEASURES]
    + [m + '_error' for m in _WDBC_MEASURES]
    + ['worst_' + m for m in _WDBC_MEASURES]
)

DIGITS_FEATURES = ['pixel_%d' % i for i in range(64)]  # pixel_(8*row + col), row-major

# Every 5th row of each species (0-based index within the species 4, 9, ..., 49) is held out.
IRIS_EVAL_EVERY = 5


def sklearn_datasets_dir(arg):
    if arg:
        return arg
    spec = importlib.util.find_spec('sklearn')  # locates the package without importing it
    if spec is not None and spec.submodule_search_locations:
        return os.path.join(list(spec.submodule_search_locations)[0], 'datasets')
    return DEFAULT_SKLEARN_DATASETS


def read_counted_csv(path, feature_names):
    """A file whose first line is `n_samples,n_features,class names...` (sklearn's load_csv_data)."""
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.reader(f)
        head = next(reader)
        n_samples, n_features = int(head[0]), int(head[1])
        class_names = [c.strip() for c in head[2:]]
        if n_features != len(feature_names):
            raise SystemExit('%s: %d features in the header, expected %d' % (path, n_features, len(feature_names)))
        rows = []
        for line_no, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != n_features + 1:
                raise SystemExit('%s:%d: %d fields, expected %d' % (path, line_no, len(row), n_features + 1))
            values = [v.strip() for v in row[:-1]]
            for v in values:
                float(v)  # every feature is numeric
            rows.append((values, class_names[int(row[-1])]))
    if len(rows) != n_samples:
        raise SystemExit('%s: %d rows, header says %d' % (path, len(rows), n_samples))
    return rows, class_names


def read_digits(path):
    rows = []
    with gzip.open(path, 'rt', encoding='utf-8', newline='') as f:
        for line_no, row in enumerate(csv.reader(f), start=1):
            if not row:
                continue
            if len(row) != 65:
                raise SystemExit('%s:%d: %d fields, expected 65' % (path, line_no, len(row)))
            values = [str(int(float(v))) for v in row[:-1]]  # integers 0..16
            rows.append((values, str(int(float(row[-1])))))
    return rows, [str(d) for d in range(10)]


def write_csv(path, header, rows, quote_label=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', newline='', encoding='utf-8') as f:
        f.write(','.join(header) + '\n')
        for values, label in rows:
            f.write(','.join(values) + ',' + ('"%s"' % label if quote_label else label) + '\n')


def write_jsonl(path, feature_names, label_name, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        for values, label in rows:
            record = {name: json.loads(v) for name, v in zip(feature_names, values)}
            record[label_name] = label
            f.write(json.dumps(record, separators=(',', ':')) + '\n')


def split_iris_eval(rows):
    seen = Counter()
    train, held_out = [], []
    for values, label in rows:
        (held_out if seen[label] % IRIS_EVAL_EVERY == IRIS_EVAL_EVERY - 1 else train).append((values, label))
        seen[label] += 1
    return train, held_out


def convert(src, out):
    data = os.path.join(src, 'data')
    written = []

    iris, _ = read_counted_csv(os.path.join(data, 'iris.csv'), IRIS_FEATURES)
    p = os.path.join(out, 'iris', 'iris.csv')
    write_csv(p, IRIS_FEATURES + ['species'], iris)
    written.append(p)
    train, held_out = split_iris_eval(iris)
    for name, part in (('iris.jsonl', train), ('iris-eval.jsonl', held_out)):
        p = os.path.join(out, 'iris-jsonl', name)
        write_jsonl(p, IRIS_FEATURES, 'species', part)
        written.append(p)

    wine, _ = read_counted_csv(os.path.join(data, 'wine_data.csv'), WINE_FEATURES)
    p = os.path.join(out, 'wine', 'wine.csv')
    write_csv(p, WINE_FEATURES + ['class'], wine)
    written.append(p)

    bc, _ = read_counted_csv(os.path.join(data, 'breast_cancer.csv'), BREAST_CANCER_FEATURES)
    p = os.path.join(out, 'breast-cancer', 'breast_cancer.csv')
    write_csv(p, BREAST_CANCER_FEATURES + ['diagnosis'], bc)
    written.append(p)

    digits, _ = read_digits(os.path.join(data, 'digits.csv.gz'))
    p = os.path.join(out, 'digits', 'digits.csv')
    write_csv(p, DIGITS_FEATURES + ['digit'], digits, quote_label=True)
    written.append(p)

    for p in written:
        print('wrote %s (%d bytes)' % (os.path.relpath(p, os.getcwd()), os.path.getsize(p)))


# ---------------------------------------------------------------- verification


def checksum(rows):
    """sha256 over every feature value as a Python float repr, row by row; and the plain sum."""
    h = hashlib.sha256()
    total = 0.0
    for values in rows:
        floats = [float(v) for v in values]
        total += sum(floats)
        h.update((','.join(repr(x) for x in floats) + '\n').encode())
    return h.hexdigest()[:16], round(total, 6)


def read_written_csv(path, feature_names, label_name):
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != feature_names + [label_name]:
            raise AssertionError('%s: unexpected header %r' % (path, header[:5]))
        rows = [row for row in reader if row]
    return [r[:-1] for r in rows], [r[-1] for r in rows]


def read_written_jsonl(paths, feature_names, label_name):
    xs, ys = [], []
    for path in paths:
        with open(path, encoding='utf-8') as f:
            for line in f:
                if line.strip():
                    record = json.loads(line)
                    if list(record) != feature_names + [label_name]:
                        raise AssertionError('%s: unexpected keys %r' % (path, list(record)))
                    xs.append([record[n] for n in feature_names])
                    ys.append(record[label_name])
    return xs, ys


def verify(out):
    from sklearn import datasets as skd  # needs python3-sklearn; conversion itself does not

    failures = 0

    def check(name, xs, ys, bunch, n_features, sort_rows=False):
        nonlocal failures
        expected_x = bunch.data.tolist()
        expected_y = [str(bunch.target_names[t]) for t in bunch.target]
        got_x = [[float(v) for v in r] for r in xs]
        if sort_rows:  # iris-jsonl reorders rows (train file + eval file): compare as multisets
            got = sorted(zip(map(tuple, got_x), ys))
            exp = sorted(zip(map(tuple, expected_x), expected_y))
            got_x, ys = [list(a) for a, _ in got], [b for _, b in got]
            expected_x, expected_y = [list(a) for a, _ in exp], [b for _, b in exp]
        ok_rows = len(got_x) == len(expected_x)
        ok_cols = all(len(r) == n_features for r in got_x)
        ours, theirs = checksum(got_x), checksum(expected_x)
        ok_sum = ours == theirs
        ok_labels = ys == expected_y
        ours_counts, theirs_counts = Counter(ys), Counter(expected_y)
        ok_counts = ours_counts == theirs_counts
        ok = ok_rows and ok_cols and ok_sum and ok_labels and ok_counts
        failures += 0 if ok else 1
        print('%-4s %-14s rows %d/%d  cols %d  checksum %s sum %s (sklearn %s sum %s)  labels %s  classes %s' % (
            'OK' if ok else 'FAIL', name, len(got_x), len(expected_x), n_features, ours[0], ours[1],
            theirs[0], theirs[1], 'same' if ok_labels else 'DIFFER',
            dict(sorted(ours_counts.items())) if ok_counts else '%r != %r' % (ours_counts, theirs_counts)))

    iris = skd.load_iris()
    xs, ys = read_written_csv(os.path.join(out, 'iris', 'iris.csv'), IRIS_FEATURES, 'species')
    check('iris', xs, ys, iris, 4)
    xs, ys = read_written_jsonl([os.path.join(out, 'iris-jsonl', n) for n in ('iris.jsonl', 'iris-eval.jsonl')],
                                IRIS_FEATURES, 'species')
    check('iris-jsonl', xs, ys, iris, 4, sort_rows=True)
    _, held = read_written_jsonl([os.path.join(out, 'iris-jsonl', 'iris-eval.jsonl')], IRIS_FEATURES, 'species')
    held_counts = Counter(held)
    if len(held) != 30 or set(held_counts.values()) != {10}:
        failures += 1
        print('FAIL iris-eval.jsonl: %r' % held_counts)
    else:
        print('OK   iris-eval      30 rows held out, %s' % dict(sorted(held_counts.items())))

    xs, ys = read_written_csv(os.path.join(out, 'wine', 'wine.csv'), WINE_FEATURES, 'class')
    check('wine', xs, ys, skd.load_wine(), 13)

    xs, ys = read_written_csv(os.path.join(out, 'breast-cancer', 'breast_cancer.csv'), BREAST_CANCER_FEATURES, 'diagnosis')
    check('breast-cancer', xs, ys, skd.load_breast_cancer(), 30)

    xs, ys = read_written_csv(os.path.join(out, 'digits', 'digits.csv'), DIGITS_FEATURES, 'digit')
    check('digits', xs, ys, skd.load_digits(), 64)

    return failures


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--sklearn-datasets', help='the installed sklearn/datasets folder (default: found, else %s)' % DEFAULT_SKLEARN_DATASETS)
    ap.add_argument('--out', default=EXAMPLES, help='the examples folder to write into (default: %(default)s)')
    ap.add_argument('--verify', action='store_true', help='after writing, compare with sklearn.datasets.load_*')
    ap.add_argument('--verify-only', action='store_true', help='only compare the files already written')
    args = ap.parse_args(argv)
    if not args.verify_only:
        convert(sklearn_datasets_dir(args.sklearn_datasets), args.out)
    if args.verify or args.verify_only:
        failures = verify(args.out)
        if failures:
            print('%d check(s) failed' % failures)
            return 1
        print('all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

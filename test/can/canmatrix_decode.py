#!/usr/bin/python3
"""Decodes CAN frames with canmatrix, an implementation of DBC independent of ours (test/can/dbc.test.ts).

stdin:  {"dbc": "<path>", "frames": [[<id>, "<data hex>"], ...]}
stdout: [{"<signal>": [<raw>, <physical>], ...}, ...], one object per frame, only the signals of the frame's
        multiplexer group; a frame whose id is not in the DBC gives null.
Exit 3 when canmatrix is missing (Debian: apt-get install python3-canmatrix).
"""
import json
import logging
import sys

# canmatrix warns about optional formats it cannot load; keep stderr for real problems.
logging.disable(logging.WARNING)

try:
    import canmatrix
    import canmatrix.formats
except ImportError as error:
    sys.stderr.write(
        "canmatrix is not importable by %s (%s): run `apt-get install python3-canmatrix`\n" % (sys.executable, error)
    )
    sys.exit(3)

def main():
    request = json.load(sys.stdin)
    matrix = canmatrix.formats.loadp_flat(request["dbc"])
    decoded = []
    for frame_id, data_hex in request["frames"]:
        frame = matrix.frame_by_id(canmatrix.ArbitrationId(frame_id))
        if frame is None:
            decoded.append(None)
            continue
        signals = frame.decode(bytearray.fromhex(data_hex))
        decoded.append({name: [int(s.raw_value), float(s.phys_value)] for name, s in signals.items()})
    json.dump(decoded, sys.stdout)


if __name__ == "__main__":
    main()

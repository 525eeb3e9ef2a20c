"""Debian's python3-pymodbus against the bcu Modbus server: prints one JSON object of what it read and wrote."""
import json
import sys

from pymodbus.client import ModbusTcpClient

port = int(sys.argv[1])
client = ModbusTcpClient("127.0.0.1", port=port)
assert client.connect(), "cannot connect"
out = {}
r = client.read_holding_registers(0, 41, slave=1)
out["holding"] = r.registers
r = client.read_holding_registers(40000, 125, slave=1)
out["sunspec_first_125"] = r.registers
r = client.read_discrete_inputs(16, 20, slave=1)
out["level3_bits"] = [int(b) for b in r.bits[:20]]
r = client.write_register(100, 1, slave=1)
out["write_register_error"] = r.isError()
r = client.write_coil(2, True, slave=1)
out["write_coil_error"] = r.isError()
for name, response in [
    ("unmapped", client.read_holding_registers(41, 1, slave=1)),
    ("quantity", client.read_holding_registers(0, 126, slave=1)),
    ("readonly", client.write_register(0, 5, slave=1)),
    ("value", client.write_register(100, 9, slave=1)),
]:
    out["exception_" + name] = response.exception_code if response.isError() else None
client.close()
print(json.dumps(out))

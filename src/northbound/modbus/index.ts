/** Modbus TCP northbound: the server the PCS polls, its register maps and a small client. */
export { startModbusServer, type RunningModbusServer, type SnapshotSource, type StartModbusOptions } from "./start.ts";
export { nameplateOf } from "../../points/point.ts";
export { ModbusTcpClient, ModbusExceptionError, ModbusClientError } from "./client.ts";
export {
  validateRegisterMap,
  parseRegisterMap,
  RegisterMapError,
  formatMapIssue,
  type MapIssue,
} from "./map-validate.ts";
export type { RegisterMap, RegisterMapEntry, RegisterType } from "./map-types.ts";

/**
 * Where each cell and temperature sensor sits in the rack. Cells and sensors are numbered rack-wide from 0 in
 * BMU order: cell index = bmuIndex * cellsPerBmu + (cell - 1). Positions shown to users are 1-based
 * ("module 3, cell 7").
 */
export interface RackTopology {
  readonly bmuCount: number;
  /** CAN node address of the first BMU; BMU i (0-based) has node firstBmuNode + i. */
  readonly firstBmuNode: number;
  readonly cellsPerBmu: number;
  readonly temperatureSensorsPerBmu: number;
}

export interface CellPosition {
  /** 1-based module (BMU) number in the rack. */
  readonly module: number;
  /** 1-based cell number within the module. */
  readonly cell: number;
}

export function cellCount(topology: RackTopology): number {
  return topology.bmuCount * topology.cellsPerBmu;
}

export function sensorCount(topology: RackTopology): number {
  return topology.bmuCount * topology.temperatureSensorsPerBmu;
}

/** 0-based BMU index for a CAN node address, or -1 when the node is not part of this rack. */
export function bmuIndexOfNode(topology: RackTopology, node: number): number {
  const index = node - topology.firstBmuNode;
  return index >= 0 && index < topology.bmuCount ? index : -1;
}

export function cellPosition(topology: RackTopology, cellIndex: number): CellPosition {
  return {
    module: Math.floor(cellIndex / topology.cellsPerBmu) + 1,
    cell: (cellIndex % topology.cellsPerBmu) + 1,
  };
}

export function sensorPosition(topology: RackTopology, sensorIndex: number): { module: number; sensor: number } {
  return {
    module: Math.floor(sensorIndex / topology.temperatureSensorsPerBmu) + 1,
    sensor: (sensorIndex % topology.temperatureSensorsPerBmu) + 1,
  };
}

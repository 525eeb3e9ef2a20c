import { DataType, StatusCodes, Variant } from "node-opcua";
import type { CallMethodResultOptions, ISessionContext, Namespace, UAObject } from "node-opcua";
import type { BcuCommand, CommandResult } from "../../bcu/commands.ts";
import { OPERATOR_METHOD_PERMISSIONS, type OpcuaAccess } from "./access.ts";

export type OpcuaCommandKind = "closeContactors" | "openContactors" | "resetFaults";

/** What the methods need from the BCU: the pipeline's `submit`. */
export type SubmitCommand = (command: Omit<BcuCommand, "id">) => Promise<CommandResult>;

const METHODS: readonly { name: string; kind: OpcuaCommandKind; description: string }[] = [
  {
    name: "ResetFaults",
    kind: "resetFaults",
    description: "Clears latched level-3 faults whose cause is gone. Refused while a cause is still present.",
  },
  {
    name: "CloseContactors",
    kind: "closeContactors",
    description:
      "Connects the rack: precharge, then the main contactors. Refused while a level-3 fault is present or latched.",
  },
  { name: "OpenContactors", kind: "openContactors", description: "Disconnects the rack (opens the contactors)." },
];

/** A BCU that does not answer within this is stopped or stuck: the call ends with BadTimeout. */
const ANSWER_TIMEOUT_MS = 5000;

function result(statusCode: CallMethodResultOptions["statusCode"], accepted: boolean, reason: string) {
  return {
    statusCode,
    outputArguments: [
      new Variant({ dataType: DataType.Boolean, value: accepted }),
      new Variant({ dataType: DataType.String, value: reason }),
    ],
  };
}

/**
 * ResetFaults, CloseContactors and OpenContactors on the Rack. Only an authenticated operator (on a secured
 * channel unless `noneAccess: full`) gets through to the BCU; others read UserExecutable false and a call gets
 * BadUserAccessDenied. The server must carry `access.operatorRoleResolver` (server.ts does): the methods'
 * RolePermissions give Call to the Operator role only. The BCU's answer comes back as the outputs Accepted and
 * Reason; a refusal is BadInvalidState with the BCU's reason.
 */
export function addRackMethods(namespace: Namespace, rack: UAObject, access: OpcuaAccess, submit: SubmitCommand): void {
  for (const spec of METHODS) {
    const method = namespace.addMethod(rack, {
      nodeId: `s=Rack.${spec.name}`,
      browseName: spec.name,
      description: spec.description,
      inputArguments: [],
      outputArguments: [
        { name: "Accepted", dataType: DataType.Boolean, description: "The BCU accepted the command." },
        { name: "Reason", dataType: DataType.String, description: "Why it was refused; empty when accepted." },
      ],
    });
    method.setRolePermissions([...OPERATOR_METHOD_PERMISSIONS]);
    method.bindMethod(async (_inputs: Variant[], context: ISessionContext) => {
      // node-opcua has checked the Call permission already; this holds for callers without a session too.
      const caller = access.callerOf(context);
      const denial = access.denyMethod(caller);
      if (denial !== null) return result(StatusCodes.BadUserAccessDenied, false, denial);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS)));
      try {
        const answer = await Promise.race([submit({ kind: spec.kind, origin: `opcua:${caller.name}` }), timeout]);
        if (answer === null) return result(StatusCodes.BadTimeout, false, "the BCU did not answer: is it running?");
        return answer.accepted
          ? result(StatusCodes.Good, true, "")
          : result(StatusCodes.BadInvalidState, false, answer.reason);
      } finally {
        clearTimeout(timer);
      }
    });
  }
}

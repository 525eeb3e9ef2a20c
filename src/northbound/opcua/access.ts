import { MessageSecurityMode, PermissionType, UserNameIdentityToken, WellKnownRoles, makeRoles } from "node-opcua";
import type { IRoleResolver, ISessionContext, NodeId, RolePermissionTypeOptions, UserIdentityToken } from "node-opcua";
import type { OpcuaRole, OpcuaUserConfig } from "../../config/sections/opcua.ts";
import { assertPasswordHash, verifyPassword } from "./password-hash.ts";

/** Who called, as the methods judge it. */
export interface Caller {
  /** User name, or "anonymous". */
  readonly name: string;
  /** null: anonymous. */
  readonly role: OpcuaRole | null;
  readonly secureChannel: boolean;
}

/** Why a caller may not call a method, or null when it may. */
export type MethodDenial = string | null;

/**
 * RolePermissions of the operator methods: everyone browses them (a SCADA shows them greyed out), only the
 * Operator role calls them. node-opcua derives each session's UserExecutable from this and refuses a call
 * without Call permission (BadUserAccessDenied) before the method runs. Who holds Operator is decided by
 * `OpcuaAccess.operatorRoleResolver`, i.e. by `denyMethod`.
 */
export const OPERATOR_METHOD_PERMISSIONS: readonly RolePermissionTypeOptions[] = [
  { roleId: WellKnownRoles.Anonymous, permissions: PermissionType.Browse },
  { roleId: WellKnownRoles.AuthenticatedUser, permissions: PermissionType.Browse },
  { roleId: WellKnownRoles.Observer, permissions: PermissionType.Browse },
  { roleId: WellKnownRoles.Operator, permissions: PermissionType.Browse | PermissionType.Call },
];

/**
 * Users and their roles from the configuration. Passwords are checked against scrypt hashes; a viewer reads,
 * an operator also calls the methods; on an unsecured channel with `noneAccess: "readOnly"` nobody calls them.
 */
export class OpcuaAccess {
  private readonly users: ReadonlyMap<string, OpcuaUserConfig>;

  constructor(
    users: readonly OpcuaUserConfig[],
    private readonly noneAccess: "readOnly" | "full",
  ) {
    for (const user of users) assertPasswordHash(user.passwordHash, user.name);
    this.users = new Map(users.map((u) => [u.name, u]));
  }

  async isValidUser(name: string, password: string): Promise<boolean> {
    const user = this.users.get(name);
    if (user === undefined) return false;
    return verifyPassword(password, user.passwordHash);
  }

  roleOf(name: string): OpcuaRole | null {
    return this.users.get(name)?.role ?? null;
  }

  /**
   * The OPC UA well-known roles a user holds on any channel (Part 18): every configured user is an Observer.
   * Operator depends on the channel too, so `operatorRoleResolver` grants it, not this.
   */
  wellKnownRoles(name: string): NodeId[] {
    if (this.roleOf(name) === null) return makeRoles([WellKnownRoles.Anonymous]);
    return makeRoles([WellKnownRoles.AuthenticatedUser, WellKnownRoles.Observer]);
  }

  /**
   * Part 18 identity mapping (node-opcua's `server.roleResolvers`): the Operator role for exactly the sessions
   * `denyMethod` lets through (an operator, on a secured channel unless `noneAccess: full`).
   */
  readonly operatorRoleResolver: IRoleResolver = {
    resolveRoles: (token, context) =>
      this.denyMethod(this.callerFrom(token, context?.securityMode)) === null
        ? makeRoles([WellKnownRoles.Operator])
        : [],
  };

  callerOf(context: ISessionContext): Caller {
    const session = context.session;
    return this.callerFrom(session?.userIdentityToken, session?.channel?.securityMode);
  }

  private callerFrom(token: UserIdentityToken | undefined, securityMode: MessageSecurityMode | undefined): Caller {
    const name = token instanceof UserNameIdentityToken && token.userName ? token.userName : "anonymous";
    const mode = securityMode ?? MessageSecurityMode.None;
    return {
      name,
      role: name === "anonymous" ? null : this.roleOf(name),
      secureChannel: mode === MessageSecurityMode.Sign || mode === MessageSecurityMode.SignAndEncrypt,
    };
  }

  /** Null when `caller` may call an operator method, else the reason in words. */
  denyMethod(caller: Caller): MethodDenial {
    if (caller.role === null) return "an anonymous session may not operate the rack: log in as an operator";
    if (caller.role !== "operator")
      return `user "${caller.name}" is a ${caller.role}: only an operator may operate the rack`;
    if (!caller.secureChannel && this.noneAccess === "readOnly") {
      return "the connection is not secured (security mode None is read-only): connect with Sign or SignAndEncrypt";
    }
    return null;
  }
}

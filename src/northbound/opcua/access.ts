import { MessageSecurityMode, UserNameIdentityToken, WellKnownRoles, makeRoles } from "node-opcua";
import type { ISessionContext, NodeId } from "node-opcua";
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

  /** The OPC UA well-known roles of a user (Part 18): operator → Operator, viewer → Observer. */
  wellKnownRoles(name: string): NodeId[] {
    const role = this.roleOf(name);
    if (role === "operator") return makeRoles([WellKnownRoles.AuthenticatedUser, WellKnownRoles.Operator]);
    if (role === "viewer") return makeRoles([WellKnownRoles.AuthenticatedUser, WellKnownRoles.Observer]);
    return makeRoles([WellKnownRoles.Anonymous]);
  }

  callerOf(context: ISessionContext): Caller {
    const session = context.session;
    const token = session?.userIdentityToken;
    const name = token instanceof UserNameIdentityToken && token.userName ? token.userName : "anonymous";
    const mode = session?.channel?.securityMode ?? MessageSecurityMode.None;
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

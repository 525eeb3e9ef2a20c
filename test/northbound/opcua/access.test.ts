import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AnonymousIdentityToken,
  MessageSecurityMode,
  UserNameIdentityToken,
  WellKnownRoles,
  makeRoles,
} from "node-opcua";
import { OpcuaAccess } from "../../../src/northbound/opcua/access.ts";
import { hashPassword } from "../../../src/northbound/opcua/password-hash.ts";

const users = [
  { name: "olga", passwordHash: hashPassword("operator-secret"), role: "operator" as const },
  { name: "victor", passwordHash: hashPassword("viewer-secret"), role: "viewer" as const },
];
const operatorRole = makeRoles([WellKnownRoles.Operator]).map(String);
const user = (userName: string) => new UserNameIdentityToken({ userName });

/** The roles the resolver adds, as strings, for a token on a channel. */
function resolved(
  access: OpcuaAccess,
  token: UserNameIdentityToken | AnonymousIdentityToken,
  mode: MessageSecurityMode,
) {
  return access.operatorRoleResolver.resolveRoles(token, { securityMode: mode }).map(String);
}

test("Operator role: only for an operator on a secured channel when None is read-only", () => {
  const access = new OpcuaAccess(users, "readOnly");
  assert.deepEqual(resolved(access, user("olga"), MessageSecurityMode.SignAndEncrypt), operatorRole);
  assert.deepEqual(resolved(access, user("olga"), MessageSecurityMode.Sign), operatorRole);
  assert.deepEqual(resolved(access, user("olga"), MessageSecurityMode.None), []);
  assert.deepEqual(resolved(access, user("victor"), MessageSecurityMode.SignAndEncrypt), []);
  assert.deepEqual(resolved(access, user("mallory"), MessageSecurityMode.SignAndEncrypt), []);
  assert.deepEqual(resolved(access, new AnonymousIdentityToken(), MessageSecurityMode.SignAndEncrypt), []);
});

test("Operator role: an operator on None too when None has full access; a viewer never", () => {
  const access = new OpcuaAccess(users, "full");
  assert.deepEqual(resolved(access, user("olga"), MessageSecurityMode.None), operatorRole);
  assert.deepEqual(resolved(access, user("victor"), MessageSecurityMode.None), []);
});

test("roles by name alone: users observe, unknown names are anonymous; Operator never comes from the name", () => {
  const access = new OpcuaAccess(users, "full");
  const observer = makeRoles([WellKnownRoles.AuthenticatedUser, WellKnownRoles.Observer]).map(String);
  assert.deepEqual(access.wellKnownRoles("olga").map(String), observer);
  assert.deepEqual(access.wellKnownRoles("victor").map(String), observer);
  assert.deepEqual(access.wellKnownRoles("mallory").map(String), makeRoles([WellKnownRoles.Anonymous]).map(String));
});

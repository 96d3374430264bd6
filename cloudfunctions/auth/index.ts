/** auth: who am I, and binding a WeChat user to a customer account by invitation code. */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { bindByInvitation, whoami } from '../_lib/services/auth';

export const main = defineFunction(
  Api.auth,
  {
    whoami: (_input, { store, caller }) => whoami(store, caller),
    bind: (input, { store, caller, now }) => bindByInvitation(store, caller, input.invitationCode, now),
  },
  { anonymousActions: ['whoami', 'bind'] },
);

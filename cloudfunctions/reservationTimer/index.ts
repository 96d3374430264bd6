/**
 * reservationTimer: a timer-triggered function (config.json / cloudbaserc.json trigger) that
 * repairs submits that died half way (from their reservation intents) and releases the stock
 * of orders left unconfirmed past their deadline.
 */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { requireAdmin } from '../_lib/identity';
import { runReservationTimer } from '../_lib/services/orders';

export const main = defineFunction(
  Api.reservationTimer,
  {
    run: async (_input, { store, caller, now }) => {
      requireAdmin(caller);
      return runReservationTimer(store, now);
    },
  },
  { timer: ({ store, now }) => runReservationTimer(store, now) },
);

/**
 * The reservation intent of a submit (the reservation record of the Medusa pattern): written
 * before any stock or credit is touched, keyed by the order id (so one request has one intent),
 * naming what the submit may reserve. A submit that dies half way leaves its intent `pending`
 * past its deadline; the reservation timer then undoes what the submit had reserved (read from
 * the holds on the stock and account documents, which the reservations themselves wrote) —
 * unless the order was written, in which case the intent is only marked committed.
 */
import { z } from 'zod';
import { Id, Timestamp } from './ids';

export const INTENT_STATES = ['pending', 'committed', 'compensated'] as const;
export const IntentState = z.enum(INTENT_STATES);
export type IntentState = z.infer<typeof IntentState>;

export const ReservationIntent = z.object({
  /** The order id the submit will write. */
  _id: Id,
  customerId: Id,
  /** The SKUs whose stock the submit may reserve (each at most once, as holds[_id]). */
  skuIds: z.array(Id),
  state: IntentState,
  createdAt: Timestamp,
  /**
   * After this instant no submit can still be running for this intent (it is later than the
   * function's timeout), so a pending intent past it belonged to a submit that died.
   */
  deadline: Timestamp,
});
export type ReservationIntent = z.infer<typeof ReservationIntent>;

/**
 * How long a submit owns its intent: well past the order function's timeout (10 s in
 * cloudbaserc.json), so the timer never undoes the work of a submit still running.
 */
export const INTENT_LEASE_MS = 5 * 60_000;

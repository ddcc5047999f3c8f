import { TcpFlow, TcpSide, State, MAX_TRANSITIONS, TF_SIMULTANEOUS_CLOSE, TF_FIN_ACK_COMBINED,
  TF_DATA_AFTER_FIN, TF_CLOSER, TF_CLOSER_B, OPT_SYN_SEEN } from "./tcp-flow";
import { sideOf } from "./tcp";
import { NONE } from "../flow/flow";

// Each endpoint's RFC 9293 state (§3.3.2, Figure 5) as far as the wire shows it. A packet moves its
// sender by what it sends (SYN, FIN, RST) and its receiver by what it receives; the capture point
// sees both at the same instant, so both transitions are dated by the packet that caused them.

// @ts-ignore: decorator
@inline const FIN: u32 = 1;
// @ts-ignore: decorator
@inline const SYN: u32 = 2;
// @ts-ignore: decorator
@inline const RST: u32 = 4;
// @ts-ignore: decorator
@inline const ACK: u32 = 16;

// @ts-ignore: decorator
@inline function ge(a: u32, b: u32): bool { return <i32>(a - b) >= 0; }

// Records the side's new state with the frame that caused it; a full list keeps its last entry for
// the latest state.
function enter(s: TcpSide, state: State, frame: u32): void {
  let w = s.states;
  if (s.state == <u32>state) return;
  let n = w == 0 ? 0 : ((31 - clz(w)) >>> 2) + 1; // entries used
  if (n == MAX_TRANSITIONS) n--;
  let at = n << 2;
  s.states = (w & ~(15 << at)) | ((<u32>state + 1) << at);
  store<u32>(changetype<usize>(s) + offsetof<TcpSide>("tf0") + (<usize>n << 2), frame);
}

export function endpointStates(t: TcpFlow, d: u32, flags: u32, seq: u32, ack: u32, seglen: u32, now: i64, frame: u32): void {
  let x = sideOf(t, d), y = sideOf(t, d ^ 1);
  if (flags & RST) {
    if (x.rstCount++ == 0) { x.rstFrame = frame; x.rstTime = now; }
    enter(x, State.CLOSED, frame);
    enter(y, State.CLOSED, frame);
    return;
  }
  // a flow first seen mid-stream: both sides were already talking
  if (x.states == 0 && !(flags & SYN)) {
    enter(x, State.ESTABLISHED, frame);
    if (y.states == 0) enter(y, State.ESTABLISHED, frame);
  }
  if (flags & SYN) {
    if (!(flags & ACK)) {
      if (x.state == <u32>State.CLOSED) enter(x, State.SYN_SENT, frame);
      if (y.states == 0) enter(y, State.LISTEN, frame);
    } else {
      if (x.state == <u32>State.CLOSED || x.state == <u32>State.LISTEN || x.state == <u32>State.SYN_SENT) enter(x, State.SYN_RECEIVED, frame);
      if (y.state == <u32>State.SYN_SENT) enter(y, State.ESTABLISHED, frame);
    }
  }
  if (flags & ACK) {
    let ackedSyn = (y.options & OPT_SYN_SEEN) != 0 && ge(ack, y.isn + 1);
    if (y.state == <u32>State.SYN_RECEIVED && ackedSyn && !(flags & SYN)) enter(y, State.ESTABLISHED, frame);
    if (x.state == <u32>State.SYN_RECEIVED && !(flags & SYN) && (x.options & OPT_SYN_SEEN)) enter(x, State.ESTABLISHED, frame);
    let ackedFin = y.finFrame != NONE && ge(ack, y.finSeq + 1);
    if (ackedFin) {
      if (y.state == <u32>State.FIN_WAIT_1) {
        if (flags & FIN) { // the peer's FIN carries the ACK of ours: a three-way close
          t.flags |= TF_FIN_ACK_COMBINED;
          enter(y, State.TIME_WAIT, frame);
        } else {
          enter(y, State.FIN_WAIT_2, frame);
        }
      } else if (y.state == <u32>State.CLOSING) {
        enter(y, State.TIME_WAIT, frame);
      } else if (y.state == <u32>State.LAST_ACK) {
        enter(y, State.CLOSED, frame);
      }
    }
  }
  if (seglen > 0 && y.finFrame != NONE && x.finFrame == NONE) t.flags |= TF_DATA_AFTER_FIN;
  if (flags & FIN) {
    // both sent FIN before either saw the other's: a simultaneous close (RFC 9293 Figure 13)
    let simultaneous = y.finFrame != NONE && !((flags & ACK) && ge(ack, y.finSeq + 1));
    if (x.finCount++ == 0) {
      x.finFrame = frame; x.finTime = now; x.finSeq = seq + seglen;
      if (!(t.flags & TF_CLOSER)) t.flags |= TF_CLOSER | (d ? TF_CLOSER_B : 0);
    }
    if (simultaneous) {
      t.flags |= TF_SIMULTANEOUS_CLOSE;
      if (x.state != <u32>State.TIME_WAIT && x.state != <u32>State.CLOSED) enter(x, State.CLOSING, frame);
      if (y.state == <u32>State.FIN_WAIT_1) enter(y, State.CLOSING, frame);
    } else {
      if (x.state == <u32>State.ESTABLISHED || x.state == <u32>State.SYN_RECEIVED) enter(x, State.FIN_WAIT_1, frame);
      else if (x.state == <u32>State.CLOSE_WAIT) enter(x, State.LAST_ACK, frame);
      if (y.state == <u32>State.ESTABLISHED || y.state == <u32>State.SYN_RECEIVED) enter(y, State.CLOSE_WAIT, frame);
      else if (y.state == <u32>State.FIN_WAIT_2) enter(y, State.TIME_WAIT, frame);
    }
  }
}

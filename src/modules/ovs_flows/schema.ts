/** Params of `ovs_flows`. */
import { z } from 'zod';
import { ownedCookie } from '../../ovs/cookie.ts';
import { flowProblem } from '../../ovs/flows.ts';
import { ovsName } from '../../ovs/schema.ts';

const flow = z.string().transform((text, ctx) => {
  const trimmed = text.trim();
  const problem = flowProblem(trimmed);
  if (problem) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (an ovs-ofctl flow such as priority=100,ip,in_port=eth1,actions=NORMAL)` });
    return z.NEVER;
  }
  return trimmed;
});

export const flowsParams = z
  .object({
    bridge: ovsName,
    cookie: ownedCookie,
    flows: z.array(flow).default([]),
  })
  .strict();

export type FlowsParams = z.infer<typeof flowsParams>;


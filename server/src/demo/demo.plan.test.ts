import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, lastFriday1700, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { isStale } from '../modules/plan/plan.service.js';
import { buildPlan } from './demo.plan.js';

const sh = (local: string) => new Date(`${local}+08:00`);
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
/** The one task the demo leaves without its last weekly update, so 未按时周更 has something real to show. */
const MISSED = '直通车与京东快车关键词优化';

describe("the demo plan's tasks, as a team keeping the weekly update leaves them", () => {
  it('were updated when they were done, or on the last Friday afternoon before the deadline', () => {
    // A Monday: the last deadline was Friday 12-04 17:00.
    const now = sh('2026-12-07T12:00:00');
    const { tasks } = buildPlan([newId()], now, newId);
    const deadline = lastFriday1700(now);
    expect(deadline).toEqual(sh('2026-12-04T17:00:00'));
    for (const task of tasks) {
      const updatedAt = task.updatedAt!;
      if (task.status === 'DONE') expect(shanghaiDate(updatedAt), task.title).toBe(task.endsOn);
      else if (task.title === MISSED) expect(shanghaiDate(updatedAt), task.title).toBe('2026-11-27');
      else {
        // That Friday before 17:00, or the day it started when that came later.
        const onFriday = shanghaiDate(updatedAt) === '2026-12-04' && updatedAt < deadline;
        expect(onFriday || shanghaiDate(updatedAt) === task.startsOn, task.title).toBe(true);
      }
    }
    // Not one time stamp for all of them, as a plan nobody touched since it was written would have.
    expect(new Set(tasks.map((t) => t.updatedAt!.getTime())).size).toBe(tasks.length);
    expect(tasks.filter((t) => isStale({ status: t.status!, updatedAt: t.updatedAt!, startsOn: t.startsOn }, now)).map((t) => t.title)).toEqual([MISSED]);
  });

  it('whatever hour of the week the demo starts, the weekly rule flags only the task that missed its update', () => {
    const from = sh('2026-10-05T00:00:00').getTime();
    for (let at = from; at < from + 20 * 7 * DAY_MS; at += 7 * HOUR_MS) {
      const now = new Date(at);
      const { plan, tasks } = buildPlan([newId()], now, newId);
      const stale = tasks.filter((t) => isStale({ status: t.status!, updatedAt: t.updatedAt!, startsOn: t.startsOn }, now)).map((t) => t.title);
      // A plan written after the deadline before last has had only one weekly update to miss, which the rule cannot see.
      const missable = plan.createdAt!.getTime() < lastFriday1700(now).getTime() - 7 * DAY_MS;
      expect(stale, now.toISOString()).toEqual(missable ? [MISSED] : []);
      for (const task of tasks) {
        expect(task.updatedAt! <= now && task.updatedAt! >= task.createdAt!, `${now.toISOString()} ${task.title}`).toBe(true);
        // Nobody updates a task in progress before it started.
        if (task.status === 'IN_PROGRESS' || task.status === 'DELAYED') {
          expect(task.updatedAt!.getTime() >= Math.min(startOfShanghaiDay(task.startsOn).getTime(), now.getTime()), task.title).toBe(true);
        }
      }
    }
  });
});

import { seatGroup } from '../../src/modules/classes/seat-group';

describe('seatGroup (a group of registrations under one lock of the session row)', () => {
  it('seats the first arrivals while seats last, then queues the rest in arrival order', () => {
    const { decisions, after } = seatGroup({ adultLeft: 2, childLeft: 0, waitingCount: 0, arrivalSeq: 7 }, [
      { adults: 1, children: 0 },
      { adults: 1, children: 0 },
      { adults: 1, children: 0 },
      { adults: 1, children: 0 },
    ]);
    expect(decisions).toEqual([
      { status: 'confirmed', arrivalSeq: 8, position: null },
      { status: 'confirmed', arrivalSeq: 9, position: null },
      { status: 'waitlisted', arrivalSeq: 10, position: 1 },
      { status: 'waitlisted', arrivalSeq: 11, position: 2 },
    ]);
    expect(after).toEqual({ adultLeft: 0, childLeft: 0, waitingCount: 2, arrivalSeq: 11 });
  });

  it('never lets a newcomer overtake a waiting household, even when its smaller party would fit', () => {
    const { decisions, after } = seatGroup({ adultLeft: 2, childLeft: 1, waitingCount: 0, arrivalSeq: 0 }, [
      { adults: 3, children: 0 }, // does not fit: queues (promotion will skip it)
      { adults: 1, children: 1 }, // fits, but someone waits
    ]);
    expect(decisions.map((d) => [d.status, d.position])).toEqual([
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);
    expect(after).toEqual({ adultLeft: 2, childLeft: 1, waitingCount: 2, arrivalSeq: 2 });
  });

  it('continues an existing queue: positions after those already waiting', () => {
    const { decisions } = seatGroup({ adultLeft: 5, childLeft: 5, waitingCount: 3, arrivalSeq: 40 }, [{ adults: 1, children: 0 }]);
    expect(decisions).toEqual([{ status: 'waitlisted', arrivalSeq: 41, position: 4 }]);
  });

  it('an empty group changes nothing', () => {
    const before = { adultLeft: 1, childLeft: 0, waitingCount: 0, arrivalSeq: 3 };
    expect(seatGroup(before, [])).toEqual({ decisions: [], after: before });
  });
});

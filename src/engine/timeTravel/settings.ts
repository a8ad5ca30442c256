// The time-travel settings (package.json's nlm.* settings are generated from these, with the
// hyper-parameters': scripts/gen-settings.mjs).
export const TIME_TRAVEL_SETTINGS = {
  'timeTravel.memoryMiB': {
    default: 128,
    min: 0,
    max: 4096,
    description:
      'Memory (MiB) the saved training states of time travel may hold: checkpoints every few iterations and the last iterations stepped through, which Step Back, Reverse Continue, NLM: Rewind to Step… and the dashboard’s curves go back to. Past it, checkpoints thin out, then the oldest go. 0 turns time travel off. Takes effect for the next run.',
  },
} as const;

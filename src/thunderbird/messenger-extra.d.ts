// Corrections to @types/thunderbird-webext-browser (which stops at Thunderbird 127) for the calls
// the add-on makes on Thunderbird 140+.
declare namespace messenger.addressBooks.provider {
  interface ProviderSearchAnswer {
    results: { vCard: string }[];
    isCompleteResult: boolean;
  }
  // The published typing says the listener returns void; Thunderbird awaits the returned answer.
  type SearchRequestListener = (
    node: messenger.addressBooks.AddressBookNode,
    searchString: string | undefined,
    query: string | null | undefined,
  ) => Promise<ProviderSearchAnswer>;
}

// alarms is available to Thunderbird add-ons but missing from the published typing.
declare namespace messenger.alarms {
  interface Alarm {
    name: string;
    scheduledTime: number;
    periodInMinutes?: number;
  }
  function create(name: string, info: { when?: number; delayInMinutes?: number; periodInMinutes?: number }): Promise<void>;
  function clear(name: string): Promise<boolean>;
  const onAlarm: {
    addListener(listener: (alarm: Alarm) => void): void;
    removeListener(listener: (alarm: Alarm) => void): void;
  };
}

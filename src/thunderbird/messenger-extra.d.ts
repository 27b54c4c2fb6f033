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

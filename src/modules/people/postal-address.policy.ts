/**
 * A person's postal address as it goes on a letter: the street lines as imported, then the
 * town, state and postcode on one line (e.g. "Fitzroy VIC 3065"), then the country's English
 * name. The state is shown without its country prefix (AU-VIC: VIC) when it is a code of the
 * person's country. Pure.
 */

export interface PostalAddressParts {
  postalAddress: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string | null;
}

const countryNames = new Intl.DisplayNames(["en"], { type: "region" });

/** The English name of an ISO 3166-1 code, or the code when it has none. */
export function countryName(code: string): string {
  try {
    return countryNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The state as written on an envelope: AU-VIC as VIC for a person in AU, anything else as stored. */
export function regionLabel(region: string, country: string | null): string {
  return country && region.startsWith(`${country}-`) ? region.slice(country.length + 1) : region;
}

/** The lines of the address, none empty; no lines when the person has no postal address. */
export function postalAddressLines(person: PostalAddressParts): string[] {
  if (!person.postalAddress?.trim()) return [];
  const street = person.postalAddress
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const region = person.region ? regionLabel(person.region, person.country) : "";
  const locality = [person.city?.trim(), region, person.postcode?.trim()].filter(Boolean).join(" ");
  return [...street, ...(locality ? [locality] : []), ...(person.country ? [countryName(person.country)] : [])];
}

// Who reads which incident of the register. Today every signed-in user reads every incident;
// restricted incidents (issue 16) will decide here, and the page, the CSV and the API follow.

/** Who reads the register. */
export interface RegisterReader {
  userId: string | null;
  role: string;
}

/** Whether the reader may see the incident in the register: every incident, for now. */
export function canReadInRegister(_reader: RegisterReader, _incident: { id: string }): boolean {
  return true;
}

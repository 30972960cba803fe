/**
 * The built-in catalogue of personal-data categories. Ids are stable slugs: incidents and risk
 * assessments refer to them, so an id is never renamed or reused. "special" marks the special
 * categories of GDPR Art. 9 and the criminal-offence data of Art. 10.
 */

export const sensitivities = ["low", "medium", "high", "special"] as const;
export type Sensitivity = (typeof sensitivities)[number];

export const sensitivityLabels: Record<Sensitivity, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  special: "Special category",
};

/** Higher is more sensitive: sections list the most sensitive data first. */
export const sensitivityRank: Record<Sensitivity, number> = { low: 1, medium: 2, high: 3, special: 4 };

export interface CatalogueEntry {
  id: string;
  name: string;
  sensitivity: Sensitivity;
  /** What someone holding this data could do to the people it is about. */
  harm: string;
  /** What people are usually told to do about it. */
  advice: string;
}

export const builtInCategories: readonly CatalogueEntry[] = [
  {
    id: "identity",
    name: "Names and identity details",
    sensitivity: "low",
    harm: "A name on its own does little harm, but joined with other leaked details it makes scams more convincing and helps someone pretend to be the person.",
    advice:
      "Be careful with messages or calls that know your name and ask you to act quickly; a familiar name is not proof of who is writing.",
  },
  {
    id: "contact_details",
    name: "Contact details",
    sensitivity: "low",
    harm: "Contact details let strangers reach people directly, which mostly means unwanted messages and scam attempts.",
    advice:
      "Expect more unsolicited messages for a while, and do not give out personal or payment details to anyone who contacts you out of the blue.",
  },
  {
    id: "postal_address",
    name: "Postal addresses",
    sensitivity: "medium",
    harm: "An address shows where someone lives or works. It can be used for mail fraud, to open accounts in their name, or to find a person who does not want to be found.",
    advice:
      "Watch for post you did not expect, such as cards or letters about accounts you did not open. If you fear someone may come to your home, tell the police.",
  },
  {
    id: "email_address",
    name: "E-mail addresses",
    sensitivity: "low",
    harm: "Leaked addresses draw spam and phishing, often e-mails that pretend to come from the organisation that lost the data.",
    advice:
      "Be wary of e-mails about this incident that ask you to click a link, open a file or sign in; go to the website yourself instead.",
  },
  {
    id: "phone_number",
    name: "Phone numbers",
    sensitivity: "medium",
    harm: "Numbers are used for scam calls and texts, and sometimes to take over the number itself, which can then receive sign-in codes.",
    advice:
      "Hang up on unexpected calls asking for details, and do not follow links in texts. Ask your phone company for a PIN before your number can be moved.",
  },
  {
    id: "date_of_birth",
    name: "Dates of birth",
    sensitivity: "medium",
    harm: "Many organisations use the date of birth to check who is calling, so it helps someone pass identity checks in another person's name.",
    advice:
      "Watch for accounts or credit applications you did not make. Where an organisation lets you, add a password or extra check to your account.",
  },
  {
    id: "government_id",
    name: "Government identifiers",
    sensitivity: "high",
    harm: "Passport, driver's licence, tax or social security numbers are the raw material of identity theft: loans, benefits or accounts taken out in someone else's name.",
    advice:
      "Ask the agency that issued the document whether it should be replaced, consider a credit freeze or alert, and check your credit report for anything you do not recognise.",
  },
  {
    id: "financial_account",
    name: "Bank and financial account details",
    sensitivity: "high",
    harm: "Account details can be used for unauthorised debits and for convincing scams by people pretending to be the bank.",
    advice:
      "Tell your bank, check your statements for payments you did not make, and never confirm your details to a caller who says they are from the bank: call the number on your card instead.",
  },
  {
    id: "payment_card",
    name: "Payment card data",
    sensitivity: "high",
    harm: "Card numbers with expiry dates or security codes can be used straight away for purchases.",
    advice: "Ask your bank to cancel and replace the card, check recent statements, and dispute any charge you did not make.",
  },
  {
    id: "credentials_passwords",
    name: "Credentials and passwords",
    sensitivity: "high",
    harm: "Readable passwords let anyone sign in as the person, here and on every other service where they used the same password.",
    advice:
      "Change the password now, and on every other site where you used it. Turn on two-step sign-in wherever it is offered.",
  },
  {
    id: "password_hashes",
    name: "Password hashes",
    sensitivity: "medium",
    harm: "Hashes are not the passwords themselves, but weak or common passwords can be worked out from them, especially when the hashing was fast or unsalted.",
    advice:
      "Change your password, and on any other site where you used the same one. A password manager makes a different password for each site easy.",
  },
  {
    id: "security_questions",
    name: "Security questions and answers",
    sensitivity: "high",
    harm: "Answers such as a mother's maiden name or first pet reset accounts elsewhere, and unlike passwords they are hard to change.",
    advice: "Change the answers on accounts that use these questions; an answer does not have to be true, only remembered.",
  },
  {
    id: "health",
    name: "Health data",
    sensitivity: "special",
    harm: "Health information can lead to discrimination, embarrassment or distress, and to blackmail; once known, it cannot be made private again.",
    advice:
      "Be alert to contact that mentions your health or treatment, and talk to your health provider or a support service if this news worries you.",
  },
  {
    id: "biometric",
    name: "Biometric data",
    sensitivity: "special",
    harm: "Fingerprints, face or voice templates identify a person for life and cannot be changed like a password.",
    advice:
      "Where a service lets you, use another way to sign in than the biometric that was exposed, and ask the organisation what it has done to stop the data being reused.",
  },
  {
    id: "genetic",
    name: "Genetic data",
    sensitivity: "special",
    harm: "Genetic data reveals health risks and family relationships, including about relatives who never shared anything.",
    advice:
      "Consider telling close relatives, and seek advice from the testing provider or a genetic counsellor about what the data can show.",
  },
  {
    id: "location",
    name: "Location data",
    sensitivity: "high",
    harm: "Where someone is, or goes regularly, can reveal their home, routines and private life, and can be used to follow or harass them.",
    advice:
      "Review which apps may share your location, and if you feel at risk from someone who could use this data, contact the police or a support service.",
  },
  {
    id: "children",
    name: "Children's data",
    sensitivity: "high",
    harm: "Children are less able to spot scams or grooming, and a child's identity can be misused for years before anyone checks their credit record.",
    advice:
      "Parents and carers should talk with the child about unexpected contact, and may ask credit agencies whether a file exists in the child's name.",
  },
  {
    id: "racial_ethnic_origin",
    name: "Racial or ethnic origin",
    sensitivity: "special",
    harm: "This data can be used to discriminate against or target people for who they are.",
    advice:
      "Report any harassment or discrimination to the police or an equality body, and tell us about any contact that seems linked to this incident.",
  },
  {
    id: "political_religious_beliefs",
    name: "Political opinions, religious or philosophical beliefs",
    sensitivity: "special",
    harm: "Beliefs and opinions made known against a person's will can bring discrimination, threats or, in some countries, persecution.",
    advice: "Think about who could now learn this about you, and seek support from a trusted organisation if you feel at risk.",
  },
  {
    id: "trade_union",
    name: "Trade union membership",
    sensitivity: "special",
    harm: "Union membership made known can lead to unfair treatment at work or blacklisting.",
    advice: "Tell your union, and keep a record of any change in how you are treated at work.",
  },
  {
    id: "sexual_orientation",
    name: "Sex life or sexual orientation",
    sensitivity: "special",
    harm: "Being outed can cause deep distress, rejection, discrimination or violence, and invites blackmail.",
    advice:
      "Do not pay or reply to anyone who threatens to reveal this information; keep the messages and report them to the police. Support services can help.",
  },
  {
    id: "criminal_records",
    name: "Criminal convictions and offences",
    sensitivity: "special",
    harm: "Records of offences or allegations can cost people jobs, housing and relationships, and can be used for blackmail.",
    advice: "Keep records of any threat or unfair treatment that seems linked to this incident, and consider legal advice.",
  },
  {
    id: "employment",
    name: "Employment details",
    sensitivity: "medium",
    harm: "Employer, role, salary or performance details help scams that pretend to come from a workplace, and can embarrass people or harm their careers.",
    advice: "Check with colleagues by another channel before acting on unusual requests about pay, invoices or bank details.",
  },
  {
    id: "communications_content",
    name: "Content of private messages",
    sensitivity: "high",
    harm: "Private conversations can expose anything people wrote about themselves or others, and can be used to embarrass, blackmail or impersonate them.",
    advice: "Consider what the messages contained and who else they concern, and be wary of anyone who quotes them back to you.",
  },
  {
    id: "online_identifiers",
    name: "Online identifiers",
    sensitivity: "low",
    harm: "User names, IP addresses and device or cookie ids can link a person's activity across services and help aim phishing at them.",
    advice:
      "Be wary of messages that mention your user name to seem genuine, and check the privacy settings of the services you use.",
  },
  {
    id: "images_recordings",
    name: "Photos, video and voice recordings",
    sensitivity: "medium",
    harm: "Images and recordings can be shared to embarrass people, used to recognise them, or edited to impersonate them.",
    advice:
      "Report images of you that appear where they should not to the site hosting them, and be wary of calls or videos that seem to come from people you know but ask for money.",
  },
];

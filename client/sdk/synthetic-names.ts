/**
 * Name lists for the synthetic dataset: common given names and surnames from
 * many countries, ASCII only so that e-mail addresses can be made from them.
 * Every person made from them is fictional.
 */

export const FIRST_NAMES: readonly string[] = [
  'Ada', 'Aiko', 'Alejandro', 'Amara', 'Anders', 'Ananya', 'Bruno', 'Camille', 'Chen', 'Chloe',
  'Dario', 'Dmitri', 'Elena', 'Emeka', 'Fatima', 'Finn', 'Grace', 'Hana', 'Hugo', 'Ines',
  'Ivan', 'Jamal', 'Johanna', 'Kai', 'Kofi', 'Leila', 'Liam', 'Lucia', 'Mateo', 'Maya',
  'Mei', 'Nadia', 'Nikolai', 'Noah', 'Olga', 'Omar', 'Priya', 'Rafael', 'Rosa', 'Sami',
  'Sofia', 'Tariq', 'Thandiwe', 'Tomas', 'Valentina', 'Wei', 'Yara', 'Yusuf', 'Zara', 'Zoltan',
];

export const SURNAMES: readonly string[] = [
  'Abebe', 'Andersson', 'Bianchi', 'Costa', 'Dubois', 'Dvorak', 'Eriksen', 'Fernandez', 'Fischer', 'Garcia',
  'Haddad', 'Hansen', 'Ibrahim', 'Ivanova', 'Jansen', 'Kim', 'Kowalski', 'Kumar', 'Larsen', 'Lopez',
  'Martin', 'Mensah', 'Moreau', 'Muller', 'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Olsen', 'Patel',
  'Perez', 'Petrov', 'Quispe', 'Rossi', 'Sato', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Tanaka',
  'Tremblay', 'Van Dijk', 'Wang', 'Weber', 'Wojcik', 'Yamamoto', 'Yilmaz', 'Zhang', 'Zhou', 'Zulu',
];

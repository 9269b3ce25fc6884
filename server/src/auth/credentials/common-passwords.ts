/**
 * Passwords and patterns from the top of breach corpora and cracking wordlists, lower-cased, for the
 * 'common' policy check.
 *
 * Most of the classic top entries ("123456", "qwerty", "iloveyou") are already refused as too short;
 * they stay here so the check does not depend on the minimum length. The second group is what
 * matters today: the 12+ character strings people reach for when told "at least 12", which pass every
 * length rule and are among the first guesses of any cracking wordlist. Attackers try case variants,
 * so the comparison is case-insensitive.
 *
 * This is a small built-in list, not a breach corpus: checking against a large one (e.g. a k-anonymity
 * breached-password service) would be an addition, not a replacement, since that must work offline.
 */
const SHORT_CLASSICS = `
  123456 12345678 123456789 1234567890 12345 1234567 111111 000000 123123
  654321 666666 121212 7777777 987654321 112233 123321 password password1
  passw0rd p@ssw0rd qwerty qwerty1 qwerty12 qwerty123 qwertyuiop asdfghjkl zxcvbnm
  asdf1234 abcd1234 1234qwer 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx qazwsx 123qwe
  qwe123 abc123 123abc a123456 aa123456 iloveyou admin admin123 welcome
  welcome1 letmein changeme secret login access master monkey dragon shadow
  sunshine princess superman batman trustno1 football baseball soccer hockey
  starwars whatever freedom charlie michael jennifer jordan23 hunter2 computer
  internet pokemon mustang matrix killer ranger tigger buster cheese summer
  ashley bailey flower loveme google samsung hello123 helloworld qwertyui
`;

const LONG = `
  123456789012 1234567890123 12345678901234 123456789123 123456123456 123123123123
  123321123321 123456654321 111111111111 000000000000 222222222222 999999999999
  888888888888 121212121212 112233445566 012345678910 098765432109 147258369147
  159753159753 123451234512 111222333444 100200300400

  qwertyuiop12 qwertyuiop123 qwertyuiop1234 qwertyuiop12345 qwertyuiopasdf
  qwertyuiopasdfghjkl qwertyuiopasdfghjklzxcvbnm qwerty123456 qwerty1234567 qwerty12345678
  qwerty123456789 123456qwerty 1234567890qwerty qwertyqwerty qwertyqwerty123 qwerty123qwe
  asdfghjkl123 asdfghjkl1234 asdfghjklqwe zxcvbnm12345 zxcvbnm123456 zxcvbnmasdfghjkl
  1q2w3e4r5t6y 1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i 1q2w3e4r5t6y7u8i9o0p q1w2e3r4t5y6
  q1w2e3r4t5y6u7 1qaz2wsx3edc 1qaz2wsx3edc4rfv 1qazxsw23edc zaq12wsxcde3 zaq1xsw2cde3
  zaq1zaq1zaq1 qazwsxedcrfv qazwsxedc123 qazwsxedcrfvtgb qweasdzxc123 qweasdzxc1234
  asdfasdfasdf asdfqwerzxcv qwerasdfzxcv qwer1234asdf 1234qwerasdf 1234qwerasdfzxcv
  qwer1234qwer asdf1234asdf 1qa2ws3ed4rf poiuytrewq12

  abcdefghijkl abcdefghijklm abcdefghijklmnop abcdefghijklmnopqrstuvwxyz abcdef123456
  abcdefg12345 abc123456789 abcd12345678 abc123abc123 abcabcabcabc a1b2c3d4e5f6
  a1b2c3d4e5f6g7 abcd1234abcd 123456abcdef 1234567890abc aaaaaaaaaaaa aaaaaa111111

  password1234 password12345 password123456 password1234567 password12345678
  password123456789 password123! password@123 password#123 password!123 password2020
  password2021 password2022 password2023 password2024 password2025 password2026
  passwordpassword password1password1 passw0rd1234 passw0rd123! p@ssw0rd1234
  p@ssw0rd123! p@ssword1234 p@ssword123! pa55word1234 pa$$word1234 mypassword123
  mypassword1234 mynewpassword newpassword123 secretpassword supersecret123
  supersecretpassword strongpassword strongpassword1 securepassword passwordqwerty
  qwertypassword password1qwerty thisismypassword changeme1234 changeme123! changemenow1
  administrator administrator1 admin1234567 admin123456789 adminadmin123 admin@123456
  welcome12345 welcome123456 welcome@1234 welcomewelcome welcome12345678 letmein12345
  letmein123456 letmeinletmein trustno1trustno1 default12345

  iloveyou1234 iloveyou12345 iloveyou123456 iloveyouiloveyou iloveyoubaby iloveyou4ever
  iloveyouforever iloveyousomuch ilovemyfamily ilovemymother ilovemyself1 ilovejesus123
  football1234 football12345 footballfootball baseball1234 basketball12 basketball123
  basketball1234 princess1234 princess12345 sunshine1234 sunshine12345 starwars1234
  monkey123456 dragon123456 master123456 shadow123456 superman1234 superman12345
  batman123456 michael12345 jennifer1234 michelle1234 christopher1 christopher123
  alexander123 elizabeth123 harrypotter1 harrypotter123 spongebob123 spongebobsquarepants
  manchesterunited manchesterunited1 liverpoolfc1 pokemon12345 facebook1234 linkedin1234
  helloworld12 helloworld123 helloworld1234 hellohello123 goodmorning1 blessed12345
  jesuschrist1 godisgood123 thequickbrownfox thequickbrownfoxjumpsoverthelazydog
  correcthorsebatterystaple letmeinplease opensesame123 nopassword123 iamthebest123
  computer1234 internet1234 whatever1234 loveyou12345 babygirl1234
`;

/** Lower-cased; compare with `COMMON_PASSWORDS.has(candidate.toLowerCase())`. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `${SHORT_CLASSICS} ${LONG}`.split(/\s+/).filter((p) => p !== ''),
);
